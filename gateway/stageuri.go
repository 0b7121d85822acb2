package gateway

import (
	"context"
	"fmt"
	"strings"

	"github.com/lambdagate/lambdagate/response"
)

// StageURI is an integration whose URI names its target through stage
// variables: a Lambda function ARN such as
// "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:${stageVariables.fn}/invocations",
// or an HTTP backend such as "https://${stageVariables.host}/pets". API
// Gateway fills the references with the variables of the stage a request
// names, at request time (docs/evidence/openapi.md#stage-variables-in-integration-uris).
type StageURI struct {
	// URI is the integration URI with ${stageVariables.NAME} references.
	URI string
	// Integration returns the integration for URI with one stage's
	// variables filled in. [New] calls it once per stage; an error (an
	// unknown function, a missing variable) does not refuse the API,
	// since AWS resolves the URI per request: requests to that stage get
	// 500, as a rejected invoke does. Called with URI itself, unfilled,
	// it describes the integration for exports; its target may then be a
	// placeholder.
	Integration func(uri string) (Integration, error)
}

func (StageURI) integration() {}

// stageIntegration is a compiled StageURI: the integration of each stage.
type stageIntegration struct {
	byStage map[string]Integration // nil entry: the stage's URI did not resolve
	errs    map[string]error
}

func (*stageIntegration) integration() {}

// ExpandStageVariables returns uri with each ${stageVariables.NAME}
// replaced by the variable's value, and an error naming the first
// variable vars lacks.
func ExpandStageVariables(uri string, vars map[string]string) (string, error) {
	const open = "${stageVariables."
	var b strings.Builder
	rest := uri
	for {
		i := strings.Index(rest, open)
		if i < 0 {
			b.WriteString(rest)
			return b.String(), nil
		}
		end := strings.IndexByte(rest[i:], '}')
		if end < 0 {
			return "", fmt.Errorf("gateway: URI %q: unclosed ${", uri)
		}
		name := rest[i+len(open) : i+end]
		v, ok := vars[name]
		if !ok {
			return "", fmt.Errorf("gateway: URI %q: no stage variable %q", uri, name)
		}
		b.WriteString(rest[:i])
		b.WriteString(v)
		rest = rest[i+end+1:]
	}
}

// compileStageURI resolves in for every stage, checking each resolved
// integration as a route's.
func (g *Gateway) compileStageURI(api *API, stages []Stage, rt Route, in StageURI) (*stageIntegration, error) {
	if in.Integration == nil {
		return nil, fmt.Errorf("gateway: route %q: StageURI without an Integration function", rt.Key)
	}
	if !strings.Contains(in.URI, "${stageVariables.") {
		return nil, fmt.Errorf("gateway: route %q: StageURI %q has no ${stageVariables.NAME}", rt.Key, in.URI)
	}
	s := &stageIntegration{byStage: map[string]Integration{}, errs: map[string]error{}}
	for _, st := range stages {
		uri, err := ExpandStageVariables(in.URI, st.Variables)
		var resolved Integration
		if err == nil {
			resolved, err = in.Integration(uri)
		}
		if err == nil {
			if _, nested := resolved.(StageURI); nested {
				err = fmt.Errorf("gateway: route %q: a StageURI resolved to another StageURI", rt.Key)
			} else {
				resolved, err = api.checkIntegration(Route{Key: rt.Key, Integration: resolved})
			}
		}
		if err != nil {
			s.errs[st.Name] = err
			continue
		}
		s.byStage[st.Name] = resolved
	}
	return s, nil
}

// checkRoute returns the route's integration checked for the API, with a
// StageURI resolved for each of stages.
func (g *Gateway) checkRoute(api *API, stages []Stage, rt Route) (Integration, error) {
	switch in := rt.Integration.(type) {
	case StageURI:
		return g.compileStageURI(api, stages, rt, in)
	case *StageURI:
		if in != nil {
			return g.compileStageURI(api, stages, rt, *in)
		}
	}
	return api.checkIntegration(rt)
}

// perStage runs the integration of x's stage; a stage whose URI did not
// resolve gets 500, as API Gateway answers an integration it cannot call.
func (g *Gateway) perStage(ctx context.Context, x *exchange, in *stageIntegration) (*response.Response, bool, invokeInfo) {
	name := ""
	if x.stage != nil {
		name = x.stage.Name
	}
	target, ok := in.byStage[name]
	if !ok {
		return rejectedResponse(g.kind), true, invokeInfo{}
	}
	return g.run(ctx, x, target)
}
