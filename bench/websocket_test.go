package bench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/coder/websocket"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	gwws "github.com/lambdagate/lambdagate/gateway/websocket"
	"github.com/lambdagate/lambdagate/response"
)

// echoMessage is the message each round trip sends and expects back.
const echoMessage = `{"action":"echo","data":"hello"}`

// BenchmarkWebSocketEcho measures messages echoed per second over
// loopback WebSockets with the same client (github.com/coder/websocket):
//   - lambdagate: the local gateway's WebSocket API, the message routed
//     by the selection expression to a two-way route whose Lambda proxy
//     integration is an in-process function (the full event and output
//     bytes path) that returns the message;
//   - bare: a WebSocket echo server built with the same library.
//
// "sequential" is one connection, one round trip at a time: the latency
// of a message. "parallel" is two connections per core, each sending its
// next message when the last came back, as bench/gateway.sh loads the
// HTTP gateway: the throughput.
func BenchmarkWebSocketEcho(b *testing.B) {
	fn := lambdagate.NewAdapter(lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		return response.Text(http.StatusOK, string(req.Body)), nil
	}))
	g, err := gateway.New(gateway.API{Kind: event.WebSocket, Upgrader: gwws.Upgrader{}, Routes: []gateway.Route{
		{Key: "echo", Integration: gateway.Proxy{Function: fn}, TwoWay: true},
	}})
	if err != nil {
		b.Fatal(err)
	}
	defer g.Close()
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := websocket.Accept(w, r, nil)
		if err != nil {
			return
		}
		defer c.CloseNow()
		ctx := context.Background()
		for {
			typ, msg, err := c.Read(ctx)
			if err != nil {
				return
			}
			if err := c.Write(ctx, typ, msg); err != nil {
				return
			}
		}
	})
	impls := []struct {
		name, path string
		h          http.Handler
	}{{"lambdagate", "/prod", g}, {"bare", "/", bare}}
	for _, mode := range []string{"sequential", "parallel"} {
		for _, impl := range impls {
			b.Run(mode+"/"+impl.name, func(b *testing.B) {
				srv := httptest.NewServer(impl.h)
				defer srv.Close()
				url := "ws" + strings.TrimPrefix(srv.URL, "http") + impl.path
				b.ReportAllocs()
				if mode == "sequential" {
					c := dialEcho(b, url)
					defer c.CloseNow()
					b.ResetTimer()
					for range b.N {
						echo(b, c)
					}
				} else {
					b.SetParallelism(2)
					b.RunParallel(func(pb *testing.PB) {
						c := dialEcho(b, url)
						defer c.CloseNow()
						for pb.Next() {
							echo(b, c)
						}
					})
				}
				b.StopTimer()
				b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
			})
		}
	}
}

func dialEcho(b *testing.B, url string) *websocket.Conn {
	c, _, err := websocket.Dial(context.Background(), url, nil)
	if err != nil {
		b.Fatal(err)
	}
	return c
}

// echo sends the message and reads the echo.
func echo(b *testing.B, c *websocket.Conn) {
	ctx := context.Background()
	if err := c.Write(ctx, websocket.MessageText, []byte(echoMessage)); err != nil {
		b.Error(err)
		return
	}
	if _, got, err := c.Read(ctx); err != nil || string(got) != echoMessage {
		b.Errorf("echo = %q, %v", got, err)
	}
}
