package event_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/costtest"
)

// object returns a JSON object of n members named by name(i), with the
// value value(i) as written (a JSON string or list).
func object(n int, name func(int) string, value func(int) string) string {
	var b strings.Builder
	b.WriteByte('{')
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:%s", name(i), value(i))
	}
	b.WriteByte('}')
	return b.String()
}

func str(i int) string  { return fmt.Sprintf(`"v%d"`, i) }
func list(i int) string { return fmt.Sprintf(`["v%d","w%d"]`, i, i) }

// TestDecodeLinear bounds Decode's cost for payloads of every source with
// many headers, query parameters and multi-value members, at two sizes.
func TestDecodeLinear(t *testing.T) {
	lower := func(gen func(int) string) func(int) string {
		return func(i int) string { return strings.ToLower(gen(i)) }
	}
	upper := func(gen func(int) string) func(int) string {
		return func(i int) string { return strings.ToUpper(gen(i)) }
	}
	distinct := costtest.Names[0].Name
	for _, tt := range []struct {
		name    string
		payload func(n int) string
	}{
		{"HTTP API headers, query, cookies", func(n int) string {
			q := make([]string, n)
			c := make([]string, n)
			for i := range n {
				q[i] = fmt.Sprintf("q%d=%d", i, i)
				c[i] = fmt.Sprintf(`"c%d=%d"`, i, i)
			}
			return `{"version":"2.0","routeKey":"$default","rawPath":"/","rawQueryString":"` + strings.Join(q, "&") +
				`","cookies":[` + strings.Join(c, ",") + `],"headers":` + object(n, lower(distinct), str) +
				`,"requestContext":{"http":{"method":"GET"},"routeKey":"$default","stage":"$default"}}`
		}},
		{"REST headers and query, both maps", func(n int) string {
			return `{"resource":"/","path":"/","httpMethod":"GET","headers":` + object(n, distinct, str) +
				`,"multiValueHeaders":` + object(n, distinct, list) +
				`,"queryStringParameters":` + object(n, distinct, str) +
				`,"multiValueQueryStringParameters":` + object(n, distinct, list) +
				`,"pathParameters":` + object(n, distinct, str) + `,"stageVariables":` + object(n, distinct, str) + `}`
		}},
		{"REST single names absent from the multi-value maps", func(n int) string {
			other := func(i int) string { return fmt.Sprintf("Y-%d", i) }
			return `{"httpMethod":"GET","headers":` + object(n, other, str) + `,"multiValueHeaders":` + object(n, distinct, list) +
				`,"queryStringParameters":` + object(n, other, str) + `,"multiValueQueryStringParameters":` + object(n, distinct, list) + `}`
		}},
		{"REST names in another case in each map", func(n int) string {
			return `{"httpMethod":"GET","headers":` + object(n, upper(distinct), str) + `,"multiValueHeaders":` + object(n, lower(distinct), list) + `}`
		}},
		{"REST every case spelling of one header", func(n int) string {
			return `{"httpMethod":"GET","headers":` + object(n, costtest.Names[2].Name, str) + `,"multiValueHeaders":` + object(n, costtest.Names[2].Name, list) + `}`
		}},
		{"REST one header with many values", func(n int) string {
			vs := make([]string, n)
			for i := range vs {
				vs[i] = str(i)
			}
			return `{"httpMethod":"GET","multiValueHeaders":{"X":[` + strings.Join(vs, ",") + `]}}`
		}},
		{"ALB multi-value", func(n int) string {
			return `{"requestContext":{"elb":{"targetGroupArn":"arn"}},"httpMethod":"GET","path":"/","multiValueHeaders":` +
				object(n, lower(distinct), list) + `,"multiValueQueryStringParameters":` + object(n, distinct, list) + `}`
		}},
		{"ALB single-value", func(n int) string {
			return `{"requestContext":{"elb":{"targetGroupArn":"arn"}},"httpMethod":"GET","path":"/","headers":` +
				object(n, lower(distinct), str) + `,"queryStringParameters":` + object(n, distinct, str) + `}`
		}},
	} {
		costtest.Linear(t, "Decode: "+tt.name, 512, func(n int) func() {
			p := []byte(tt.payload(n))
			if _, err := event.Decode(p); err != nil {
				t.Fatalf("%s: Decode: %v", tt.name, err)
			}
			return func() { event.Decode(p) }
		})
	}
}

// TestBuildLinear bounds the cost of building an event from an HTTP
// request with many headers (distinct, repeated, or in every case
// spelling) and query parameters, and of encoding it, for every source.
func TestBuildLinear(t *testing.T) {
	for _, src := range []event.Source{event.REST, event.HTTPAPI, event.FunctionURL, event.ALB, event.ALBMultiValue, event.WebSocket} {
		for _, nm := range costtest.Names {
			request := func(n int) *http.Request {
				q := make([]string, n)
				for i := range q {
					q[i] = fmt.Sprintf("%s=%d", strings.ToLower(nm.Name(i)), i)
				}
				hr := httptest.NewRequest("GET", "/p?"+strings.Join(q, "&"), nil)
				for i := range n {
					hr.Header[nm.Name(i)] = append(hr.Header[nm.Name(i)], fmt.Sprint(i))
				}
				return hr
			}
			b := event.Builder{Source: src, RequestID: "fixed", EventType: "CONNECT"}
			costtest.Linear(t, fmt.Sprintf("FromHTTP %v, %s names", src, nm.Kind), 512, func(n int) func() {
				hr := request(n)
				return func() {
					if _, err := b.FromHTTP(hr); err != nil {
						t.Fatal(err)
					}
				}
			})
			costtest.Linear(t, fmt.Sprintf("AppendJSON %v, %s names", src, nm.Kind), 512, func(n int) func() {
				r, err := b.FromHTTP(request(n))
				if err != nil {
					t.Fatal(err)
				}
				buf := make([]byte, 0, 1<<20)
				return func() { r.AppendJSON(buf[:0]) }
			})
		}
	}
}
