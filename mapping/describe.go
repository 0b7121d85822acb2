package mapping

import (
	"maps"
	"slices"
)

// Method returns the configuration p was built from, so that a tool can
// describe the method again (package openapi exports it as an
// x-amazon-apigateway-integration). The maps and slices are copies;
// changing them does not change p.
func (p *Pipeline) Method() Method {
	m := p.method
	m.RequestParameters = maps.Clone(m.RequestParameters)
	m.RequestModels = maps.Clone(m.RequestModels)
	in := &m.Integration
	in.RequestParameters = maps.Clone(in.RequestParameters)
	in.RequestTemplates = maps.Clone(in.RequestTemplates)
	in.Responses = slices.Clone(in.Responses)
	for i := range in.Responses {
		r := &in.Responses[i]
		r.ResponseParameters = maps.Clone(r.ResponseParameters)
		r.ResponseTemplates = maps.Clone(r.ResponseTemplates)
	}
	return m
}
