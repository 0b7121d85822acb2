package connection_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/connection"
	"github.com/lambdagate/lambdagate/event"
)

func TestEndpointFor(t *testing.T) {
	for _, tt := range []struct{ domain, stage, want string }{
		{"abc.execute-api.us-east-1.amazonaws.com", "prod", "https://abc.execute-api.us-east-1.amazonaws.com/prod"},
		{"127.0.0.1:8080", "prod", "http://127.0.0.1:8080/prod"},
		{"[::1]:8080", "dev", "http://[::1]:8080/dev"},
		{"localhost:8080", "dev", "http://localhost:8080/dev"},
		{"example.com:8443", "dev", "https://example.com:8443/dev"},
		{"127.0.0.1", "dev", "https://127.0.0.1/dev"},
	} {
		if got := connection.EndpointFor(&event.Request{DomainName: tt.domain, Stage: tt.stage}); got != tt.want {
			t.Errorf("EndpointFor(%s, %s) = %s, want %s", tt.domain, tt.stage, got, tt.want)
		}
	}
}

// TestEndpointErrors checks how the Management API's answers become
// errors: 410 is ErrGone, others an *Error with the status, the error
// type header and the message.
func TestEndpointErrors(t *testing.T) {
	var status int
	var errType, body string
	var gotPath, gotMethod string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotPath, gotMethod = r.URL.EscapedPath(), r.Method
		if errType != "" {
			w.Header().Set("X-Amzn-ErrorType", errType)
		}
		w.WriteHeader(status)
		fmt.Fprint(w, body)
	}))
	defer srv.Close()
	e := &connection.Endpoint{URL: srv.URL + "/prod/"}
	ctx := context.Background()
	for _, tt := range []struct {
		status        int
		errType, body string
		check         func(error) bool
	}{
		{200, "", "", func(err error) bool { return err == nil }},
		{410, "GoneException", `{"message":"Gone"}`, func(err error) bool { return errors.Is(err, connection.ErrGone) }},
		{403, "ForbiddenException:http://internal.amazon.com/coral/", `{"message":"Forbidden"}`, func(err error) bool {
			var e *connection.Error
			return errors.As(err, &e) && e.Status == 403 && e.Code == "ForbiddenException" && e.Message == "Forbidden"
		}},
		{429, "LimitExceededException", `not json`, func(err error) bool {
			var e *connection.Error
			return errors.As(err, &e) && e.Status == 429 && e.Message == "not json"
		}},
	} {
		status, errType, body = tt.status, tt.errType, tt.body
		if err := e.Post(ctx, "a/b=", []byte("x")); !tt.check(err) {
			t.Errorf("status %d %s: Post = %v", tt.status, tt.errType, err)
		}
		if gotPath != "/prod/@connections/a%2Fb=" || gotMethod != "POST" {
			t.Errorf("request %s %s", gotMethod, gotPath)
		}
	}
	status, errType, body = 200, "", `{"connectedAt":"2024-01-20T11:54:57.419Z","identity":{"sourceIp":"192.0.2.1","userAgent":"ua"},"lastActiveAt":"2024-01-20T11:55:08.326Z"}`
	info, err := e.Get(ctx, "id")
	want := connection.Info{ConnectedAt: time.Date(2024, 1, 20, 11, 54, 57, 419e6, time.UTC), LastActiveAt: time.Date(2024, 1, 20, 11, 55, 8, 326e6, time.UTC), SourceIP: "192.0.2.1", UserAgent: "ua"}
	if err != nil || !info.ConnectedAt.Equal(want.ConnectedAt) || !info.LastActiveAt.Equal(want.LastActiveAt) || info.SourceIP != want.SourceIP || info.UserAgent != want.UserAgent || gotMethod != "GET" {
		t.Errorf("Get = %+v, %v", info, err)
	}
	status = 204
	if err := e.Delete(ctx, "id"); err != nil || gotMethod != "DELETE" {
		t.Errorf("Delete = %v (%s)", err, gotMethod)
	}
	if err := e.Post(ctx, "", nil); err == nil {
		t.Error("Post to an empty id: no error")
	}
}

func TestFake(t *testing.T) {
	var f connection.Fake
	ctx := context.Background()
	if err := f.Post(ctx, "a", []byte("1")); err != nil {
		t.Fatal(err)
	}
	f.Post(ctx, "b", []byte("2"))
	f.Post(ctx, "a", []byte("3"))
	if got := f.SentTo("a"); len(got) != 2 || string(got[0]) != "1" || string(got[1]) != "3" {
		t.Errorf("SentTo(a) = %q", got)
	}
	if got := f.Sent(); len(got) != 3 || got[1].ConnectionID != "b" {
		t.Errorf("Sent() = %v", got)
	}
	f.Disconnect("b")
	if err := f.Post(ctx, "b", nil); !errors.Is(err, connection.ErrGone) {
		t.Errorf("Post to a disconnected id = %v, want ErrGone", err)
	}
	if err := f.Delete(ctx, "a"); err != nil {
		t.Fatal(err)
	}
	if err := f.Delete(ctx, "a"); !errors.Is(err, connection.ErrGone) {
		t.Errorf("second Delete = %v, want ErrGone", err)
	}
	if _, err := f.Get(ctx, "a"); !errors.Is(err, connection.ErrGone) {
		t.Errorf("Get after Delete = %v, want ErrGone", err)
	}
	at := time.Unix(1705751697, 0)
	f.Connect("a", connection.Info{ConnectedAt: at, SourceIP: "192.0.2.1"})
	if info, err := f.Get(ctx, "a"); err != nil || !info.ConnectedAt.Equal(at) || !info.LastActiveAt.Equal(at) || info.SourceIP != "192.0.2.1" {
		t.Errorf("Get after Connect = %+v, %v", info, err)
	}
	if got := f.Deleted(); len(got) != 1 || got[0] != "a" {
		t.Errorf("Deleted() = %q", got)
	}
}

// A function that broadcasts to the connections it knows, tested with
// the Fake: what it sent, and how it treats a connection that is gone.
func ExampleFake() {
	broadcast := func(ctx context.Context, c connection.Client, ids []string, msg string) (gone []string) {
		for _, id := range ids {
			if err := c.Post(ctx, id, []byte(msg)); errors.Is(err, connection.ErrGone) {
				gone = append(gone, id)
			}
		}
		return gone
	}
	var f connection.Fake
	f.Disconnect("b")
	gone := broadcast(context.Background(), &f, []string{"a", "b", "c"}, "hello")
	for _, m := range f.Sent() {
		fmt.Printf("%s <- %s\n", m.ConnectionID, m.Data)
	}
	fmt.Println("gone:", gone)
	// Output:
	// a <- hello
	// c <- hello
	// gone: [b]
}
