package gateway_test

import (
	"bufio"
	"context"
	"io"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// TestStreamContext checks the context of a streaming function: it lives
// while the body streams, as in Lambda, where the invocation lasts until
// the function has written its whole response, and it ends once the body
// has reached the client.
func TestStreamContext(t *testing.T) {
	for _, kind := range []event.Source{event.FunctionURL, event.REST} {
		t.Run(kind.String(), func(t *testing.T) {
			next := make(chan struct{})
			ended := make(chan context.Context, 1)
			h := handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
				pr, pw := io.Pipe()
				go func() {
					io.WriteString(pw, "first\n")
					select {
					case <-next:
					case <-time.After(10 * time.Second):
					}
					if ctx.Err() != nil {
						io.WriteString(pw, "cancelled: "+ctx.Err().Error()+"\n")
					} else {
						io.WriteString(pw, "second\n")
					}
					pw.Close()
					ended <- ctx
				}()
				return response.Stream(200, "text/plain", pr), nil
			})
			s := gatewaytest.New(t, gateway.API{Kind: kind, Routes: gateway.CatchAll(kind, gateway.Proxy{Function: handler.NewAdapter(h), InvokeMode: handler.ResponseStream})})
			target := "/"
			if kind == event.REST {
				target = "/prod/"
			}
			resp := s.Get(target)
			defer resp.Body.Close()
			br := bufio.NewReader(resp.Body)
			if line, err := br.ReadString('\n'); line != "first\n" || err != nil {
				t.Fatalf("first line %q, %v", line, err)
			}
			close(next)
			if rest, err := io.ReadAll(br); string(rest) != "second\n" || err != nil {
				t.Errorf("after the first line: %q, %v; want the second line, the function's context alive", rest, err)
			}
			select {
			case <-(<-ended).Done():
			case <-time.After(10 * time.Second):
				t.Error("the function's context did not end after its body was sent")
			}
		})
	}
}
