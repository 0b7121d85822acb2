package response_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/costtest"
	"github.com/lambdagate/lambdagate/response"
)

// TestAppendOutputLinear bounds the cost of encoding a response with many
// headers, Set-Cookie headers and cookies, for every source and for the
// streaming prelude, at two sizes.
func TestAppendOutputLinear(t *testing.T) {
	v1 := event.New(event.HTTPAPI, "GET", "/", nil)
	v1.Version = event.PayloadV1
	requests := map[string]*event.Request{"http-v1": v1}
	for _, src := range allSources {
		requests[src.String()] = requestFor(src)
	}
	// The output buffer is made large enough outside the measurement, as
	// the Adapter sizes it, so that only the encoder's own work counts.
	buf := make([]byte, 0, 1<<20)
	encodings := map[string]func(*event.Request, *response.Response) ([]byte, error){
		"AppendOutput": func(req *event.Request, r *response.Response) ([]byte, error) {
			return response.AppendOutput(buf[:0], req, r)
		},
		"AppendPrelude": func(req *event.Request, r *response.Response) ([]byte, error) {
			return response.AppendPrelude(buf[:0], req, r)
		},
	}
	for name, req := range requests {
		for enc, encode := range encodings {
			for _, nm := range costtest.Names {
				costtest.Linear(t, fmt.Sprintf("%s %s, %s header names", enc, name, nm.Kind), 512, func(n int) func() {
					r := response.Text(200, "body")
					for i := range n {
						r.Header.Add(nm.Name(i), fmt.Sprint(i))
					}
					return func() {
						if _, err := encode(req, r); err != nil {
							t.Fatal(err)
						}
					}
				})
			}
			// Few enough for an ALB target group without multi-value
			// headers, which has a spelling of Set-Cookie for 512.
			costtest.Linear(t, fmt.Sprintf("%s %s, Set-Cookie headers and cookies", enc, name), 20, func(n int) func() {
				r := response.Text(200, "body")
				for i := range n {
					r.Header.Add("Set-Cookie", fmt.Sprintf("a%d=%d", i, i))
					r.Header.Add(strings.ToLower("Set-Cookie"), fmt.Sprintf("b%d=%d", i, i))
					r.Cookies = append(r.Cookies, fmt.Sprintf("c%d=%d", i, i))
				}
				return func() {
					if _, err := encode(req, r); err != nil {
						t.Fatal(err)
					}
				}
			})
		}
	}
}
