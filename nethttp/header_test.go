package nethttp_test

import (
	"context"
	"fmt"
	"net/http"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/nethttp"
)

// TestHeaderValues checks how fields become http.Header values: runs of
// one name (multi-value events), a name that comes back spelled
// differently, interned and other names, and more fields than the
// exchange stores inline. The oracle is http.CanonicalHeaderKey over the
// fields in order.
func TestHeaderValues(t *testing.T) {
	many := event.Header{{Name: "x-first", Value: "a"}}
	for i := range 40 {
		many = append(many, event.Field{Name: fmt.Sprintf("x-h%d", i), Value: fmt.Sprint(i)})
	}
	many = append(many, event.Field{Name: "X-FIRST", Value: "b"})
	tests := []struct {
		name    string
		header  event.Header
		cookies []string
	}{
		{"case variants apart", event.Header{{Name: "X-A", Value: "1"}, {Name: "x-b", Value: "2"}, {Name: "x-a", Value: "3"}, {Name: "Host", Value: "h.example"}}, nil},
		{"runs and cookies", event.Header{{Name: "host", Value: "h"}, {Name: "a", Value: "1"}, {Name: "a", Value: "2"}, {Name: "b", Value: "3"}, {Name: "A", Value: "4"}, {Name: "weird-NAME", Value: "5"}, {Name: "x-amz-date", Value: "6"}}, []string{"c=1", "d=2"}},
		{"host twice", event.Header{{Name: "Host", Value: "h"}, {Name: "x", Value: "1"}, {Name: "host", Value: "h"}}, nil},
		{"many", many, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got http.Header
			h := nethttp.Wrap(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { got = r.Header }))
			req := &event.Request{Source: event.HTTPAPI, Version: "2.0", Method: "GET", Path: "/", DomainName: "d.example", Header: tt.header, Cookies: tt.cookies}
			resp, err := h.Serve(context.Background(), req)
			if err != nil || resp.StatusCode != http.StatusOK {
				t.Fatalf("Serve = %v, %v", resp, err)
			}
			want := http.Header{}
			for _, f := range tt.header {
				if k := http.CanonicalHeaderKey(f.Name); k != "Host" {
					want[k] = append(want[k], f.Value)
				}
			}
			if tt.cookies != nil {
				want["Cookie"] = []string{"c=1; d=2"}
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Fatalf("header (-want +got):\n%s", diff)
			}
			// The values of one name must not share room with another's.
			for k := range got {
				got[k] = append(got[k], "appended")
			}
			for k, vs := range want {
				if diff := cmp.Diff(vs, got[k][:len(vs)]); diff != "" {
					t.Errorf("append to another name changed %s (-want +got):\n%s", k, diff)
				}
			}
		})
	}
}
