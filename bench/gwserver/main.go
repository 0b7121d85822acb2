// Command gwserver serves one small JSON body on a loopback address, either
// through lambdagate's local API Gateway (an HTTP API route to an
// in-process handler, through the full event and output bytes path) or
// from a bare net/http handler, for bench/gateway.sh to load with wrk.
//
// Usage: gwserver -mode gateway|bare -addr 127.0.0.1:0
// It prints the URL of the endpoint, then serves until killed.
package main

import (
	"context"
	"flag"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/response"
)

const body = `{"message":"hello","id":42}`

func main() {
	mode := flag.String("mode", "gateway", "gateway or bare")
	addr := flag.String("addr", "127.0.0.1:0", "loopback address to listen on")
	flag.Parse()
	var h http.Handler
	switch *mode {
	case "bare":
		b := []byte(body)
		h = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write(b)
		})
	case "gateway":
		b := []byte(body)
		fn := lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
			return response.RawJSON(http.StatusOK, b), nil
		})
		h = gateway.MustNew(gateway.API{Routes: []gateway.Route{
			{Key: "GET /items/{id}", Integration: gateway.Proxy{Function: lambdagate.NewAdapter(fn)}},
		}})
	default:
		log.Fatalf("gwserver: unknown mode %q", *mode)
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		log.Fatal(err)
	}
	if host, _, _ := net.SplitHostPort(ln.Addr().String()); !net.ParseIP(host).IsLoopback() {
		log.Fatalf("gwserver: %s is not a loopback address", host)
	}
	fmt.Printf("http://%s/items/7\n", ln.Addr())
	os.Stdout.Sync()
	log.Fatal(http.Serve(ln, h))
}
