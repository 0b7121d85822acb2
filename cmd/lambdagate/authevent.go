package main

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
)

// authSpec is what --authorizer-event and its companions ask for.
type authSpec struct {
	kind     event.Source
	payload  event.PayloadVersion
	stage    string
	vars     map[string]string
	routeKey string
	typ      string // token or request
	sources  []string
}

// authorizerEvent asks a gateway whose route has a Lambda authorizer for
// the event the authorizer gets for the request, as gatewayEvent asks for
// the integration's.
func authorizerEvent(s authSpec, method, target string, h http.Header, body []byte, when time.Time, id string) (*event.AuthorizerRequest, error) {
	if s.kind == event.WebSocket {
		// A $connect authorizer's event, built as the gateway builds it.
		if !strings.EqualFold(s.typ, "request") {
			return nil, fmt.Errorf("--authorizer-event %q: WebSocket APIs have REQUEST authorizers only", s.typ)
		}
		b := event.Builder{Source: s.kind, Stage: s.stage, StageVariables: s.vars, RouteKey: s.routeKey, RequestID: id, Time: when}
		return b.BuildAuthorizer(event.RequestAuthorizer, method, target, h)
	}
	if s.kind != event.REST && s.kind != event.HTTPAPI {
		return nil, fmt.Errorf("--authorizer-event: %v APIs have no Lambda authorizers; use --source rest, http, http1 or websocket", s.kind)
	}
	la := gateway.LambdaAuthorizer{Function: unusedInvoker{}, IdentitySource: s.sources, NoCache: true}
	switch strings.ToLower(s.typ) {
	case "token":
		la.Type = event.TokenAuthorizer
	case "request":
		la.Type = event.RequestAuthorizer
	default:
		return nil, fmt.Errorf("--authorizer-event %q: want token or request", s.typ)
	}
	if s.kind == event.HTTPAPI {
		la.PayloadVersion = event.PayloadV2
		if s.payload == event.PayloadV1 {
			la.PayloadVersion = event.PayloadV1
		}
	}
	in := gateway.Proxy{Function: unusedInvoker{}, PayloadVersion: s.payload}
	routes := gateway.CatchAll(s.kind, in)
	if s.routeKey != "" {
		key := s.routeKey
		if strings.HasPrefix(key, "/") {
			key = "ANY " + key // a REST resource
		}
		routes = []gateway.Route{{Key: key, Integration: in}}
	}
	for i := range routes {
		routes[i].Authorizer = "authorizer"
	}
	api := gateway.API{Kind: s.kind, Routes: routes, Authorizers: map[string]gateway.Authorizer{"authorizer": la}}
	if s.stage != "" || len(s.vars) > 0 {
		stage := s.stage
		if stage == "" {
			stage = "prod"
			if s.kind == event.HTTPAPI {
				stage = "$default"
			}
		}
		api.Stages = []gateway.Stage{{Name: stage, Variables: s.vars}}
	}
	g, hr, err := localRequest(api, method, target, h, body)
	if err != nil {
		return nil, err
	}
	return g.AuthorizerEventAt(hr, when, id)
}
