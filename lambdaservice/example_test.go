package lambdaservice_test

import (
	"context"
	"log"
	"net/http"
	"os"
	"os/signal"
	"time"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/lambdaservice"
)

// A function's Go package, built for this machine and run as Lambda runs
// it, behind the local API Gateway as an HTTP API, with the Lambda Invoke
// API beside it for SDK clients. Every process stops on Ctrl-C.
func Example() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	svc, err := lambdaservice.New(ctx, lambdaservice.Config{})
	if err != nil {
		log.Fatal(err)
	}
	defer svc.Close()
	pets, err := svc.Add(ctx, lambdaservice.FunctionConfig{
		Name:        "pets",
		Package:     "./examples/pets", // a template's CodeUri
		Timeout:     10 * time.Second,
		Environment: map[string]string{"TABLE": "pets"},
	})
	if err != nil {
		log.Fatal(err) // a *lambdaservice.BuildError shows the compiler's output
	}
	gw, err := gateway.New(gateway.API{
		Kind:   event.HTTPAPI,
		Routes: gateway.CatchAll(event.HTTPAPI, gateway.Proxy{Function: pets}),
	})
	if err != nil {
		log.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("/2015-03-31/functions/", svc)
	mux.Handle("/2021-11-15/functions/", svc)
	mux.Handle("/", gw)
	srv := &http.Server{Addr: "127.0.0.1:3000", Handler: mux}
	go func() { <-ctx.Done(); srv.Close() }()
	log.Print(srv.ListenAndServe())
}
