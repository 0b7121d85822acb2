package event

import (
	"errors"
	"fmt"

	"github.com/lambdagate/lambdagate/internal/jsonx"
)

// AuthorizerType is the type of a Lambda authorizer: TOKEN (REST APIs
// only) or REQUEST.
type AuthorizerType string

const (
	// TokenAuthorizer receives one header value, the token, and the
	// method ARN.
	TokenAuthorizer AuthorizerType = "TOKEN"
	// RequestAuthorizer receives the request (headers, query, path,
	// stage variables, request context) and the method or route ARN.
	RequestAuthorizer AuthorizerType = "REQUEST"
)

// AuthorizerRequest is the event a Lambda authorizer receives, from a
// REST API (TOKEN or REQUEST), an HTTP API (payload format 1.0 or 2.0) or
// a WebSocket API ($connect, REQUEST), as the API Gateway developer
// guide's pages on Lambda authorizer input show them
// (docs/evidence/authorizers.md#authorizer-input,
// docs/evidence/websocket.md#authorizer-event):
//
//	REST TOKEN        {"type":"TOKEN","authorizationToken":…,"methodArn":…}
//	REST REQUEST      {"type":"REQUEST","methodArn":…, the REST event without its body}
//	HTTP API 1.0      {"version":"1.0","type":"REQUEST","methodArn":…,"identitySource":"a,b",
//	                   "authorizationToken":"a,b", the payload 1.0 event without its body}
//	HTTP API 2.0      {"version":"2.0","type":"REQUEST","routeArn":…,"identitySource":["a","b"],
//	                   the payload 2.0 event without its body}
//	WebSocket         {"type":"REQUEST","methodArn":…/STAGE/$connect, the handshake's
//	                   headers and query, stageVariables, a CONNECT requestContext}
//
// [DecodeAuthorizer] reads one and [AuthorizerRequest.MarshalJSON] writes
// one; [Builder.BuildAuthorizer] fabricates one for tests.
type AuthorizerRequest struct {
	// Type is TOKEN or REQUEST.
	Type AuthorizerType
	// Version is the HTTP API authorizer payload format ("1.0" or "2.0");
	// empty for REST APIs.
	Version PayloadVersion
	// MethodArn is the ARN of the method (REST) or route (HTTP API 1.0)
	// requested, with the request's own path; RouteArn is the same for
	// HTTP API payload 2.0. See [ARN].
	MethodArn string
	RouteArn  string
	// AuthorizationToken is a TOKEN authorizer's token, the value of the
	// token header as the client sent it. HTTP API payload 1.0 sends the
	// identity source values joined with commas here and in
	// identitySource.
	AuthorizationToken string
	// IdentitySource holds the identity source values of an HTTP API
	// payload 2.0 authorizer, in the authorizer's order.
	IdentitySource []string
	// Request is the request of a REQUEST authorizer, as an integration
	// would receive it but without a body; nil for TOKEN.
	Request *Request
}

// ARN returns the method or route ARN, whichever the event carries.
func (a *AuthorizerRequest) ARN() string {
	if a.MethodArn != "" {
		return a.MethodArn
	}
	return a.RouteArn
}

// Source returns the kind of API that sent the event: REST, HTTPAPI when
// the event has a payload version, WebSocket when its request is a
// WebSocket CONNECT event.
func (a *AuthorizerRequest) Source() Source {
	if a.Request != nil && a.Request.Source == WebSocket {
		return WebSocket
	}
	if a.Version != "" {
		return HTTPAPI
	}
	return REST
}

// authorizerFields are the members of an authorizer event that a request
// event lacks, read by the decoder when it decodes an authorizer event.
type authorizerFields struct {
	typ, methodArn, routeArn, token, identity string
	identities                                []string
	seen                                      uint8
}

// authorizerKey reports whether key is a member only authorizer events
// have.
func authorizerKey(key string) bool {
	switch key {
	case "type", "methodArn", "routeArn", "authorizationToken", "identitySource":
		return true
	}
	return false
}

// authorizerMember reads the authorizer member key into d.authz.
func (d *decoder) authorizerMember(key string) {
	s, a := &d.s, d.authz
	var bit uint8
	switch key {
	case "type":
		bit = 1
	case "methodArn":
		bit = 2
	case "routeArn":
		bit = 4
	case "authorizationToken":
		bit = 8
	default:
		bit = 16
	}
	if a.seen&bit != 0 {
		d.fail(fmt.Errorf("%w %q", jsonx.ErrDuplicateKey, key))
		return
	}
	a.seen |= bit
	switch key {
	case "type":
		a.typ, _ = s.StringOrNull()
	case "methodArn":
		a.methodArn, _ = s.StringOrNull()
	case "routeArn":
		a.routeArn, _ = s.StringOrNull()
	case "authorizationToken":
		a.token, _ = s.StringOrNull()
	case "identitySource":
		if s.Kind() == '[' {
			a.identities = d.stringArray()
			if a.identities == nil {
				a.identities = []string{}
			}
		} else {
			a.identity, _ = s.StringOrNull()
		}
	}
}

// DecodeAuthorizer reads the event a Lambda authorizer receives (see
// [AuthorizerRequest]). A REQUEST event's request is decoded as [Decode]
// decodes the request events of its source, in the same pass; a TOKEN
// event has no request. It returns a *DecodeError for malformed JSON,
// a missing or unknown type, a missing ARN, and for request events, and
// applies the default [Limits].
func DecodeAuthorizer(payload []byte) (*AuthorizerRequest, error) {
	return Limits{}.DecodeAuthorizer(payload)
}

// DecodeAuthorizer is [DecodeAuthorizer] within l.
func (l Limits) DecodeAuthorizer(payload []byte) (*AuthorizerRequest, error) {
	a := &authorizerFields{}
	r, err := l.decode(payload, a)
	if err != nil {
		return nil, err
	}
	out := &AuthorizerRequest{Type: AuthorizerType(a.typ), MethodArn: a.methodArn, RouteArn: a.routeArn,
		AuthorizationToken: a.token, IdentitySource: a.identities}
	switch out.Type {
	case TokenAuthorizer:
		if a.methodArn == "" {
			return nil, &DecodeError{Field: "methodArn", Err: errors.New("a TOKEN authorizer event without methodArn")}
		}
		return out, nil
	case RequestAuthorizer:
	case "":
		return nil, &DecodeError{Field: "type", Err: fmt.Errorf("%w: no authorizer type (TOKEN or REQUEST)", ErrUnknownSource)}
	default:
		return nil, &DecodeError{Field: "type", Err: fmt.Errorf("unknown authorizer type %q", a.typ)}
	}
	if out.ARN() == "" {
		return nil, &DecodeError{Err: fmt.Errorf("%w: a REQUEST authorizer event without methodArn or routeArn", ErrUnknownSource)}
	}
	out.Request, out.Version = r, r.Version
	if r.Source == HTTPAPI && r.Version == PayloadV1 && out.AuthorizationToken == "" {
		out.AuthorizationToken = a.identity
	}
	switch {
	case r.Source == WebSocket && (r.Context.EventType != "CONNECT" || r.RouteKey != "$connect"):
		return nil, &DecodeError{Field: "requestContext", Err: fmt.Errorf("a WebSocket authorizer event of a %s event on route %q; authorizers run for $connect only", r.Context.EventType, r.RouteKey)}
	case r.Source != REST && r.Source != HTTPAPI && r.Source != WebSocket:
		return nil, &DecodeError{Err: fmt.Errorf("%w: an authorizer event of a %v request", ErrUnknownSource, r.Source)}
	}
	return out, nil
}

// MarshalJSON returns the event as API Gateway sends it to the authorizer.
func (a *AuthorizerRequest) MarshalJSON() ([]byte, error) {
	return a.AppendJSON(nil), nil
}

// AppendJSON appends the event JSON of [AuthorizerRequest.MarshalJSON] to
// b. The members of a REQUEST event's request are those of its source's
// request event, without body and isBase64Encoded.
func (a *AuthorizerRequest) AppendJSON(b []byte) []byte {
	e := encoder{b: b}
	if a.Type == RequestAuthorizer && a.Source() == WebSocket {
		e.websocketAuthorizer(a)
		return e.b
	}
	e.b = append(e.b, '{')
	if a.Version != "" {
		e.str("version", string(a.Version))
	}
	e.str("type", string(a.Type))
	if a.Type == TokenAuthorizer || a.Request == nil {
		e.str("authorizationToken", a.AuthorizationToken)
		e.str("methodArn", a.MethodArn)
		e.close()
		return e.b
	}
	switch a.Version {
	case PayloadV2:
		e.str("routeArn", a.RouteArn)
		e.strings("identitySource", a.IdentitySource)
	case PayloadV1:
		e.str("methodArn", a.MethodArn)
		e.str("identitySource", a.AuthorizationToken)
		e.str("authorizationToken", a.AuthorizationToken)
	default:
		e.str("methodArn", a.MethodArn)
	}
	// The request's members follow, as its source's event has them, less
	// the version (written above) and the body; HTTP API 1.0 events carry
	// no multi-value maps (docs/evidence/authorizers.md#authorizer-input).
	r := *a.Request
	r.Body, r.IsBase64Encoded = nil, false
	enc := r.AppendJSON(make([]byte, 0, 1024))
	var s jsonx.Scanner
	s.Reset(enc)
	if !s.Object() {
		return append(e.b, '}')
	}
	for first := true; s.More(first, '}'); first = false {
		key := s.Key()
		v := s.Raw()
		switch key {
		case "version", "body", "isBase64Encoded":
			continue
		case "multiValueHeaders", "multiValueQueryStringParameters":
			if a.Version == PayloadV1 {
				continue
			}
		}
		e.raw(key, v)
	}
	e.close()
	return e.b
}
