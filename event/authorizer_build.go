package event

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
)

// BuildAuthorizer returns the event a Lambda authorizer of type typ
// receives for a request with the given method, target and header, as
// b's source sends it: REST (the default) or an HTTP API, whose payload
// format b.Version selects (2.0 unless PayloadV1). target is as for
// [New].
//
// identity holds the identity source values, as the API configuration
// would select them: a TOKEN event's token (by default the Authorization
// header), an HTTP API event's identitySource. The method or route ARN
// names b's region, account, API and stage with the request's method and
// path. A REQUEST event's request is the one [Builder.Build] builds, with
// no body.
func (b Builder) BuildAuthorizer(typ AuthorizerType, method, target string, header http.Header, identity ...string) (*AuthorizerRequest, error) {
	src := b.Source
	if src == Unknown {
		src = REST
	}
	if src != REST && src != HTTPAPI {
		return nil, fmt.Errorf("event: %v APIs have no Lambda authorizers here; REST and HTTP APIs do", src)
	}
	if typ != TokenAuthorizer && typ != RequestAuthorizer {
		return nil, fmt.Errorf("event: unknown authorizer type %q", typ)
	}
	if typ == TokenAuthorizer && src != REST {
		return nil, errors.New("event: TOKEN authorizers are a REST API feature; HTTP APIs send REQUEST events")
	}
	b.Source = src
	r, err := b.Build(method, target, header, nil)
	if err != nil {
		return nil, err
	}
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
