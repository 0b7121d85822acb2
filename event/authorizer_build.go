package event

import (
	"cmp"
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// BuildAuthorizer returns the event a Lambda authorizer of type typ
// receives for a request with the given method, target and header, as
// b's source sends it: REST (the default), an HTTP API, whose payload
// format b.Version selects (2.0 unless PayloadV1), or a WebSocket API,
// whose $connect authorizer receives the handshake (method is then
// ignored: a handshake is a GET). target is as for [New].
//
// identity holds the identity source values, as the API configuration
// would select them: a TOKEN event's token (by default the Authorization
// header), an HTTP API event's identitySource. The method or route ARN
// names b's region, account, API and stage with the request's method and
// path (for WebSocket APIs, the route key $connect). A REQUEST event's
// request is the one [Builder.Build] builds, with no body.
func (b Builder) BuildAuthorizer(typ AuthorizerType, method, target string, header http.Header, identity ...string) (*AuthorizerRequest, error) {
	hr, err := newRequest(method, target, header, nil)
	if err != nil {
		return nil, err
	}
	return b.AuthorizerFromHTTP(typ, hr, identity...)
}

// AuthorizerFromHTTP is [Builder.BuildAuthorizer] for hr, the request a
// client sent to the gateway, as [Builder.FromHTTP] takes it.
func (b Builder) AuthorizerFromHTTP(typ AuthorizerType, hr *http.Request, identity ...string) (*AuthorizerRequest, error) {
	src := b.Source
	if src == Unknown {
		src = REST
	}
	if src != REST && src != HTTPAPI && src != WebSocket {
		return nil, fmt.Errorf("event: %v APIs have no Lambda authorizers here; REST, HTTP and WebSocket APIs do", src)
	}
	if typ != TokenAuthorizer && typ != RequestAuthorizer {
		return nil, fmt.Errorf("event: unknown authorizer type %q", typ)
	}
	if typ == TokenAuthorizer && src != REST {
		return nil, fmt.Errorf("event: TOKEN authorizers are a REST API feature; %v APIs send REQUEST events", src)
	}
	b.Source = src
	if src == WebSocket {
		return b.websocketAuthorizer(hr)
	}
	r, err := b.FromHTTP(hr)
	if err != nil {
		return nil, err
	}
	r.Body, r.IsBase64Encoded = nil, false
	arn := ARN{Region: b.region(), AccountID: r.AccountID, APIID: r.APIID, Stage: r.Stage, Method: r.Method, Path: r.Path}
	a := &AuthorizerRequest{Type: typ}
	if typ == TokenAuthorizer {
		a.MethodArn = arn.String()
		if len(identity) > 0 {
			a.AuthorizationToken = identity[0]
		} else {
			a.AuthorizationToken = r.Header.Get("Authorization")
		}
		return a, nil
	}
	a.Request = r
	switch {
	case src == REST:
		a.MethodArn = arn.String()
	case r.Version == PayloadV1:
		a.Version = PayloadV1
		a.MethodArn = arn.String()
		a.AuthorizationToken = strings.Join(identity, ",")
	default:
		a.Version = PayloadV2
		a.RouteArn = arn.String()
		a.IdentitySource = append([]string{}, identity...)
	}
	return a, nil
}

// websocketAuthorizer returns the event of a WebSocket API's $connect
// authorizer for the handshake hr: its CONNECT event, with the headers
// an authorizer sees, and the route ARN ending in $connect
// (docs/evidence/websocket.md#authorizer-event).
func (b Builder) websocketAuthorizer(hr *http.Request) (*AuthorizerRequest, error) {
	if b.RouteKey != "" && b.RouteKey != "$connect" {
		return nil, fmt.Errorf("event: route %q: WebSocket APIs authorize $connect only", b.RouteKey)
	}
	if b.EventType != "" && b.EventType != "CONNECT" {
		return nil, errors.New("event: a WebSocket authorizer is invoked for the CONNECT event only")
	}
	b.RouteKey, b.EventType, b.authorizerEvent = "$connect", "CONNECT", true
	r, err := b.FromHTTP(hr)
	if err != nil {
		return nil, err
	}
	r.Body, r.IsBase64Encoded = nil, false
	arn := ARN{Region: b.region(), AccountID: cmp.Or(b.AccountID, DefaultAccountID), APIID: r.APIID, Stage: r.Stage, Method: r.RouteKey}
	return &AuthorizerRequest{Type: RequestAuthorizer, MethodArn: arn.String(), Request: r}, nil
}

// NewAuthorizer returns the REST TOKEN event for token and a request with
// the given method and target, built by a zero [Builder]: the event a
// TOKEN authorizer receives, in one line, for tests. It panics if target
// is not a valid URL.
func NewAuthorizer(token, method, target string) *AuthorizerRequest {
	a, err := Builder{}.BuildAuthorizer(TokenAuthorizer, method, target, nil, token)
	if err != nil {
		panic(err)
	}
	return a
}
