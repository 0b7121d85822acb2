package gateway

import (
	"fmt"
	"net/textproto"
	"strings"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/ascii"
)

// An identitySource is one identity source of an authorizer: where in the
// request the gateway reads a value that the authorizer needs, and that
// keys its cached results (docs/evidence/authorizers.md#identity-sources).
type identitySource struct {
	expr  string
	where byte   // 'h' header, 'q' query string, 's' stage variable, 'c' context
	name  string // canonical for headers
}

// identityPrefixes are the spellings of identity sources: REST and
// WebSocket APIs use mapping expressions, HTTP APIs selection expressions.
var identityPrefixes = map[event.Source][4]string{
	event.REST:      {"method.request.header.", "method.request.querystring.", "stageVariables.", "context."},
	event.HTTPAPI:   {"$request.header.", "$request.querystring.", "$stageVariables.", "$context."},
	event.WebSocket: {"route.request.header.", "route.request.querystring.", "stageVariables.", "context."},
}

// identityContext are the $context variables an identity source may name,
// by kind of API: a WebSocket API has its own
// (docs/evidence/websocket.md#authorizers).
var identityContext = map[event.Source][]string{
	event.REST:    httpContext,
	event.HTTPAPI: httpContext,
	event.WebSocket: {"requestId", "extendedRequestId", "stage", "routeKey", "eventType", "messageDirection",
		"connectionId", "apiId", "domainName", "identity.sourceIp", "identity.userAgent"},
}

var httpContext = []string{"requestId", "stage", "httpMethod", "routeKey", "resourcePath", "path", "apiId",
	"accountId", "domainName", "identity.sourceIp", "identity.userAgent"}

// parseIdentitySource reads an identity source expression of an API of
// the given kind.
func parseIdentitySource(kind event.Source, expr string) (identitySource, error) {
	prefixes := identityPrefixes[kind]
	for i, p := range prefixes {
		name, ok := strings.CutPrefix(expr, p)
		if !ok {
			continue
		}
		if name == "" {
			return identitySource{}, fmt.Errorf("identity source %q names nothing", expr)
		}
		s := identitySource{expr: expr, where: "hqsc"[i], name: name}
		switch s.where {
		case 'h':
			s.name = textproto.CanonicalMIMEHeaderKey(name)
		case 'c':
			if !contains(identityContext[kind], name) {
				return identitySource{}, fmt.Errorf("identity source %q: the local gateway knows these context variables: %s", expr, strings.Join(identityContext[kind], ", "))
			}
		}
		return s, nil
	}
	for other, ps := range identityPrefixes {
		for _, p := range ps {
			if other != kind && strings.HasPrefix(expr, p) {
				return identitySource{}, fmt.Errorf("identity source %q is spelled for another kind of API; %v APIs write %s…", expr, kind, prefixes[0])
			}
		}
	}
	if strings.HasPrefix(expr, "method.request.path.") || strings.HasPrefix(expr, "$request.path.") || strings.HasPrefix(expr, "route.request.path.") {
		return identitySource{}, fmt.Errorf("identity source %q: path parameters cannot be identity sources", expr)
	}
	return identitySource{}, fmt.Errorf("identity source %q is not a header, query string, stage variable or context expression (%s…)", expr, prefixes[0])
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// appendValue appends the source's value in the request of x to dst, and
// reports whether the request has a non-empty one (a missing, null or
// empty identity source is missing to API Gateway). A repeated header or
// query parameter gives its last value for REST APIs, as the event's
// single-value maps hold it, and its values joined with commas for HTTP
// APIs. It allocates nothing.
func (g *Gateway) appendValue(dst []byte, s identitySource, x *exchange) ([]byte, bool) {
	start := len(dst)
	switch s.where {
	case 'h':
		vs := x.hr.Header[s.name]
		if g.kind == event.REST && len(vs) > 1 {
			vs = vs[len(vs)-1:]
		}
		for i, v := range vs {
			if i > 0 {
				dst = append(dst, ',')
			}
			dst = append(dst, v...)
		}
	case 'q':
		dst = appendQueryValue(dst, x.hr.URL.RawQuery, s.name, g.kind == event.REST)
	case 's':
		if x.stage != nil {
			dst = append(dst, x.stage.Variables[s.name]...)
		}
	case 'c':
		dst = append(dst, g.contextValue(s.name, x)...)
	}
	return dst, len(dst) > start
}

// contextValue returns a $context variable of x.
func (g *Gateway) contextValue(name string, x *exchange) string {
	switch name {
	case "requestId", "extendedRequestId":
		return x.requestID
	case "eventType":
		return "CONNECT" // WebSocket authorizers run for $connect only
	case "messageDirection":
		return "IN"
	case "connectionId":
		if x.ws != nil {
			return x.ws.id
		}
		return ""
	case "stage":
		return x.stageName()
	case "httpMethod":
		return x.method
	case "routeKey", "resourcePath":
		if g.kind == event.REST {
			return x.resource
		}
		return x.routeKey
	case "path":
		return x.hr.URL.EscapedPath()
	case "apiId":
		return g.apiID
	case "accountId":
		return g.accountID
	case "domainName":
		return g.domainName(x.hr)
	case "identity.sourceIp":
		return remoteHost(x.hr.RemoteAddr)
	case "identity.userAgent":
		return x.hr.UserAgent()
	}
	return ""
}

// appendQueryValue appends the decoded value of the query parameter name
// in the raw query q: the last one when last is set, otherwise every one
// joined with commas. Names compare case-sensitively, as API Gateway
// compares them.
func appendQueryValue(dst []byte, q, name string, last bool) []byte {
	start, found := len(dst), false
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		k, v, _ := strings.Cut(kv, "=")
		if !queryNameIs(k, name) {
			continue
		}
		switch {
		case last:
			dst = dst[:start]
		case found:
			dst = append(dst, ',')
		}
		found = true
		dst = appendUnescaped(dst, v)
	}
	return dst
}

// queryNameIs reports whether the raw name k decodes to name.
func queryNameIs(k, name string) bool {
	if k == name {
		return true
	}
	if !strings.ContainsAny(k, "%+") {
		return false
	}
	var buf [64]byte
	return string(appendUnescaped(buf[:0], k)) == name
}

// appendUnescaped appends s with '+' as a space and %XX decoded; a
// malformed escape is kept as sent, as API Gateway keeps it.
func appendUnescaped(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; {
		case c == '+':
			dst = append(dst, ' ')
		case c == '%' && i+2 < len(s) && ascii.IsHex(s[i+1]) && ascii.IsHex(s[i+2]):
			dst = append(dst, ascii.Unhex(s[i+1])<<4|ascii.Unhex(s[i+2]))
			i += 2
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
