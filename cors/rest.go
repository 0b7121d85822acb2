package cors

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// ConsoleAllowHeaders is the Access-Control-Allow-Headers value that the
// REST API console's "Enable CORS" action fills in.
const ConsoleAllowHeaders = "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"

// RESTConfig is the form of the REST API console's "Enable CORS" action
// on one resource.
type RESTConfig struct {
	// Methods are the resource's methods selected in the form. OPTIONS
	// is always added; the list is sent sorted, joined with ",", as in
	// "GET,OPTIONS".
	Methods []string
	// AllowHeaders is the Access-Control-Allow-Headers value; empty means
	// ConsoleAllowHeaders.
	AllowHeaders string
	// AllowOrigin is the Access-Control-Allow-Origin value; empty means
	// "*". It is a fixed value, sent whatever the request's Origin.
	AllowOrigin string
}

// REST is what the REST API console's "Enable CORS" action configures on
// a resource. It creates an OPTIONS method: a MOCK integration whose
// integration response maps three static headers into a 200 method
// response; [REST.Middleware] answers as it does. It also configures the
// other methods selected in the form to return Access-Control-Allow-Origin
// in their 200 response; mapping.Method.WithCORS does that to a method
// with a custom integration. REST APIs have no CORS engine beyond these: the
// OPTIONS method answers every OPTIONS request to the resource, preflight
// or not, the same way; responses other than 200 get no CORS header
// unless configured by hand; and with a Lambda proxy integration the
// function must send its own CORS headers ([CORS.Middleware] does that).
//
// A REST is immutable and safe for simultaneous use.
type REST struct {
	header event.Header
	origin string
}

// NewREST checks cfg and returns the mock OPTIONS method it describes,
// reporting every problem together.
func NewREST(cfg RESTConfig) (*REST, error) {
	var errs []error
	methods := []string{http.MethodOptions}
	for _, m := range cfg.Methods {
		if !validToken(m) || len(m) > maxMethodLen {
			errs = append(errs, fmt.Errorf("cors: RESTConfig.Methods: invalid method %q", m))
			continue
		}
		methods = append(methods, m)
	}
	slices.Sort(methods)
	methods = slices.Compact(methods)

	headers := cfg.AllowHeaders
	if headers == "" {
		headers = ConsoleAllowHeaders
	}
	for h := range strings.SplitSeq(headers, ",") {
		if h = strings.TrimSpace(h); h != "*" && !validToken(h) {
			errs = append(errs, fmt.Errorf("cors: RESTConfig.AllowHeaders: invalid header name %q", h))
		}
	}
	origin := cfg.AllowOrigin
	if origin == "" {
		origin = "*"
	}
	if strings.ContainsFunc(origin, func(r rune) bool { return r < ' ' || r >= 0x7f }) {
		errs = append(errs, fmt.Errorf("cors: RESTConfig.AllowOrigin: invalid header value %q", origin))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return &REST{origin: origin, header: event.Header{
		{Name: "Content-Type", Value: "application/json"},
		{Name: "Access-Control-Allow-Headers", Value: headers},
		{Name: "Access-Control-Allow-Methods", Value: strings.Join(methods, ",")},
		{Name: "Access-Control-Allow-Origin", Value: origin},
	}}, nil
}

// Response returns a new copy of the mock's answer: 200, an empty body,
// Content-Type: application/json (REST's default for an integration
// response without one) and the three Access-Control-* headers.
func (m *REST) Response() *response.Response {
	return &response.Response{StatusCode: http.StatusOK, Header: m.header.Clone()}
}

// Header returns a copy of the mock's response header.
func (m *REST) Header() event.Header { return m.header.Clone() }

// Middleware answers every OPTIONS request with [REST.Response], as the
// mock method does, and passes every other request to next unchanged.
func (m *REST) Middleware(next handler.Handler) handler.Handler {
	return handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		if req.Method == http.MethodOptions {
			return m.Response(), nil
		}
		return next.Serve(ctx, req)
	})
}

// AllowOrigin returns the Access-Control-Allow-Origin value the console
// gives the resource's methods: the configured origin, "*" by default.
// mapping.Method.WithCORS uses it to configure a method as the console
// does.
func (m *REST) AllowOrigin() string { return m.origin }
