package nethttp_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/nethttp"
)

// An existing net/http application runs on Lambda unchanged; in main:
func ExampleWrap() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pets/{id}", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "pet %s", r.PathValue("id"))
	})
	lambdagate.Start(nethttp.Wrap(mux))
}

// Do runs a handler behind each source, through the event bytes, the
// function output and the gateway's answer, so one test covers them all.
func ExampleDo() {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /pets/{id}", func(w http.ResponseWriter, r *http.Request) {
		http.SetCookie(w, &http.Cookie{Name: "seen", Value: r.PathValue("id")})
		fmt.Fprintf(w, "pet %s", r.PathValue("id"))
	})
	for _, src := range []event.Source{event.REST, event.HTTPAPI, event.ALBMultiValue, event.FunctionURL} {
		resp := nethttp.Do(mux, src, httptest.NewRequest("GET", "/pets/7", nil))
		body, _ := io.ReadAll(resp.Body)
		fmt.Println(src, resp.StatusCode, resp.Header.Get("Set-Cookie"), string(body))
	}
	// Output:
	// rest 200 seen=7 pet 7
	// http 200 seen=7 pet 7
	// alb-multivalue 200 seen=7 pet 7
	// url 200 seen=7 pet 7
}

// The request context carries the event, for the authorizer output or the
// gateway's request id; no client header can forge it.
func ExampleEvent() {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ev, _ := nethttp.Event(r.Context())
		fmt.Fprintf(w, "%s stage %s", ev.Source, ev.Stage)
	})
	resp := nethttp.Do(h, event.REST, httptest.NewRequest("GET", "/", nil))
	body, _ := io.ReadAll(resp.Body)
	fmt.Println(string(body))
	// Output: rest stage prod
}
