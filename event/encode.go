package event

import (
	"encoding/base64"
	"strings"

	"github.com/lambdagate/lambdagate/internal/fieldset"
	"github.com/lambdagate/lambdagate/internal/jsonx"
)

// MarshalJSON returns the event as the request's source sends it to a
// function: the payload AWS would deliver, with keys in AWS's order, absent
// collections null (payload 1.0) or omitted (payload 2.0) as AWS does.
func (r *Request) MarshalJSON() ([]byte, error) {
	return r.AppendJSON(make([]byte, 0, 1024+len(r.Body)*4/3)), nil
}

// AppendJSON appends the event JSON of [Request.MarshalJSON] to b.
func (r *Request) AppendJSON(b []byte) []byte {
	e := encoder{b: b}
	switch {
	case r.Source == ALB || r.Source == ALBMultiValue:
		e.alb(r)
	case r.Source == WebSocket:
		e.websocket(r)
	case r.V1():
		e.v1(r)
	default:
		e.v2(r)
	}
	return e.b
}

type encoder struct{ b []byte }

func (e *encoder) key(k string)    { e.b = jsonx.AppendKey(e.b, k) }
func (e *encoder) str(k, v string) { e.key(k); e.b = jsonx.AppendString(e.b, v) }
func (e *encoder) boolean(k string, v bool) {
	e.key(k)
	e.b = jsonx.AppendBool(e.b, v)
}
func (e *encoder) int(k string, v int64) { e.key(k); e.b = jsonx.AppendInt(e.b, v) }
func (e *encoder) null(k string)         { e.key(k); e.b = append(e.b, "null"...) }
func (e *encoder) open(k string)         { e.key(k); e.b = append(e.b, '{') }
func (e *encoder) close()                { e.b = append(e.b, '}') }

// strings writes the member k, an array of the strings vs.
func (e *encoder) strings(k string, vs []string) {
	e.key(k)
	e.b = append(e.b, '[')
	for i, v := range vs {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		e.b = jsonx.AppendString(e.b, v)
	}
	e.b = append(e.b, ']')
}

// strNull writes v, or null when v is empty.
func (e *encoder) strNull(k, v string) {
	if v == "" {
		e.null(k)
		return
	}
	e.str(k, v)
}

// strOmit writes v unless it is empty.
func (e *encoder) strOmit(k, v string) {
	if v != "" {
		e.str(k, v)
	}
}

func (e *encoder) raw(k string, v []byte) {
	e.key(k)
	e.b = append(e.b, v...)
}

// A grouping says how a JSON object carries the values of fields that
// share a name.
type grouping uint8

const (
	lastValue   grouping = iota // payload 1.0 "headers": the last value
	valueList                   // payload 1.0 "multiValueHeaders": every value, in a list
	commaJoined                 // payload 2.0 "headers": every value, joined with commas
)

// object writes fs as the object k, one member per distinct name (names
// that differ only in case are one name when fold is set, spelled as
// first seen), with the values grouped as g says. An empty fs is null, or
// omitted when omitEmpty is set.
func (e *encoder) object(k string, fs []Field, g grouping, fold, omitEmpty bool) {
	if len(fs) == 0 {
		if !omitEmpty {
			e.null(k)
		}
		return
	}
	var byName fieldset.Groups
	fieldset.Group(&byName, fs, fold)
	e.open(k)
	for i, f := range fs {
		if byName.First(i) != i {
			continue
		}
		e.key(f.Name)
		switch g {
		case lastValue:
			last := i
			for j := byName.Next(i); j >= 0; j = byName.Next(j) {
				last = j
			}
			e.b = jsonx.AppendString(e.b, fs[last].Value)
		case valueList:
			e.b = append(e.b, '[')
			e.b = jsonx.AppendString(e.b, f.Value)
			for j := byName.Next(i); j >= 0; j = byName.Next(j) {
				e.b = append(e.b, ',')
				e.b = jsonx.AppendString(e.b, fs[j].Value)
			}
			e.b = append(e.b, ']')
		case commaJoined:
			// Join the values inside the JSON string, without building it.
			e.b = jsonx.AppendString(e.b, f.Value)
			for j := byName.Next(i); j >= 0; j = byName.Next(j) {
				e.b = jsonx.ExtendString(e.b, ',', fs[j].Value)
			}
		}
	}
	e.close()
}

func (e *encoder) body(r *Request, nullWhenEmpty bool) {
	switch {
	case len(r.Body) == 0 && nullWhenEmpty:
		e.null("body")
	case r.IsBase64Encoded:
		e.key("body")
		e.b = append(e.b, '"')
		e.b = base64.StdEncoding.AppendEncode(e.b, r.Body)
		e.b = append(e.b, '"')
	default:
		e.key("body")
		e.b = jsonx.AppendBytesString(e.b, r.Body)
	}
}

func (e *encoder) identity(r *Request, rest bool) {
	id := &r.Context.Identity
	put := e.strOmit
	if rest {
		put = e.strNull
	}
	e.open("identity")
	put("cognitoIdentityPoolId", id.CognitoIdentityPoolID)
	put("accountId", id.AccountID)
	put("cognitoIdentityId", id.CognitoIdentityID)
	put("caller", id.Caller)
	put("apiKey", id.APIKey)
	put("apiKeyId", id.APIKeyID)
	put("accessKey", id.AccessKey)
	e.str("sourceIp", r.SourceIP)
	put("cognitoAuthenticationType", id.CognitoAuthenticationType)
	put("cognitoAuthenticationProvider", id.CognitoAuthenticationProvider)
	put("userArn", id.UserARN)
	e.str("userAgent", r.UserAgent)
	put("user", id.User)
	if len(r.Context.ClientCert) > 0 {
		e.raw("clientCert", r.Context.ClientCert)
	}
	e.close()
}

func (e *encoder) authorizer(r *Request) {
	if !r.Authorizer.IsZero() {
		e.raw("authorizer", r.Authorizer.JSON)
	}
}

// v1Params writes the header, query, path parameter and stage variable
// objects of the payload 1.0 shape, which WebSocket events share; empty
// ones are null, or left out when omitEmpty is set.
func (e *encoder) v1Params(r *Request, omitEmpty bool) {
	e.object("headers", r.Header, lastValue, true, omitEmpty)
	e.object("multiValueHeaders", r.Header, valueList, true, omitEmpty)
	e.object("queryStringParameters", r.Query, lastValue, false, omitEmpty)
	e.object("multiValueQueryStringParameters", r.Query, valueList, false, omitEmpty)
	e.object("pathParameters", r.PathParameters, lastValue, false, omitEmpty)
	e.object("stageVariables", r.StageVariables, lastValue, false, omitEmpty)
}

// v1 writes a REST (or HTTP API payload 1.0) proxy event.
func (e *encoder) v1(r *Request) {
	c := &r.Context
	e.b = append(e.b, '{')
	if r.Version != "" {
		e.str("version", string(r.Version))
	}
	e.str("resource", r.Resource)
	e.str("path", r.RawPath)
	e.str("httpMethod", r.Method)
	e.v1Params(r, false)
	e.open("requestContext")
	e.str("resourceId", c.ResourceID)
	e.str("resourcePath", c.ResourcePath)
	if c.OperationName != "" {
		e.str("operationName", c.OperationName)
	}
	e.str("httpMethod", c.HTTPMethod)
	e.str("extendedRequestId", c.ExtendedRequestID)
	e.str("requestTime", c.RequestTime)
	e.str("path", c.Path)
	e.str("accountId", r.AccountID)
	e.str("protocol", c.Protocol)
	e.str("stage", r.Stage)
	e.str("domainPrefix", c.DomainPrefix)
	e.int("requestTimeEpoch", epochMillis(r))
	e.str("requestId", r.RequestID)
	e.identity(r, true)
	e.str("domainName", r.DomainName)
	e.str("apiId", r.APIID)
	e.authorizer(r)
	e.close()
	e.body(r, true)
	e.boolean("isBase64Encoded", r.IsBase64Encoded)
	e.close()
}

// v2 writes an HTTP API payload 2.0 or function URL event.
func (e *encoder) v2(r *Request) {
	c := &r.Context
	url := r.Source == FunctionURL
	e.b = append(e.b, '{')
	e.str("version", "2.0")
	if !url {
		e.str("routeKey", r.RouteKey)
	}
	e.str("rawPath", r.RawPath)
	e.str("rawQueryString", r.RawQuery)
	if len(r.Cookies) > 0 {
		e.strings("cookies", r.Cookies)
	}
	if len(r.Header) == 0 {
		e.open("headers") // payload 2.0 always carries headers, if only {}
		e.close()
	} else {
		e.object("headers", r.Header, commaJoined, true, false)
	}
	if len(r.Query) > 0 {
		e.object("queryStringParameters", r.Query, commaJoined, false, false)
	}
	if !url {
		e.object("pathParameters", r.PathParameters, lastValue, false, true)
		e.object("stageVariables", r.StageVariables, lastValue, false, true)
	}
	e.open("requestContext")
	e.str("accountId", r.AccountID)
	e.str("apiId", r.APIID)
	if len(c.ClientCert) > 0 {
		e.open("authentication")
		e.raw("clientCert", c.ClientCert)
		e.close()
	}
	e.authorizer(r)
	e.str("domainName", r.DomainName)
	e.str("domainPrefix", c.DomainPrefix)
	e.open("http")
	e.str("method", r.Method)
	e.str("path", c.Path)
	e.str("protocol", c.Protocol)
	e.str("sourceIp", r.SourceIP)
	e.str("userAgent", r.UserAgent)
	e.close()
	e.str("requestId", r.RequestID)
	if !url {
		e.str("routeKey", r.RouteKey)
		e.str("stage", r.Stage)
	}
	e.str("time", c.RequestTime)
	e.int("timeEpoch", epochMillis(r))
	e.close()
	if len(r.Body) > 0 {
		e.body(r, false)
	}
	e.boolean("isBase64Encoded", r.IsBase64Encoded)
	e.close()
}

// alb writes an Application Load Balancer event; the query goes out as
// the client sent it (RawQuery), since ALB does not decode it.
func (e *encoder) alb(r *Request) {
	e.b = append(e.b, '{')
	e.open("requestContext")
	e.open("elb")
	e.str("targetGroupArn", r.Context.TargetGroupARN)
	e.close()
	e.close()
	e.str("httpMethod", r.Method)
	e.str("path", r.RawPath)
	raw := rawPairs(r.RawQuery)
	if r.Source == ALBMultiValue {
		e.object("multiValueQueryStringParameters", raw, valueList, false, false)
		e.object("multiValueHeaders", r.Header, valueList, true, false)
	} else {
		e.object("queryStringParameters", raw, lastValue, false, false)
		e.object("headers", r.Header, lastValue, true, false)
	}
	e.body(r, false)
	e.boolean("isBase64Encoded", r.IsBase64Encoded)
	e.close()
}

// rawPairs splits a query string without decoding it.
func rawPairs(q string) Params {
	var out Params
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		out = append(out, Field{k, v})
	}
	return out
}

// websocket writes a WebSocket API event.
func (e *encoder) websocket(r *Request) {
	c := &r.Context
	e.b = append(e.b, '{')
	if r.Resource != "" {
		e.str("resource", r.Resource)
	}
	if r.RawPath != "" {
		e.str("path", r.RawPath)
	}
	if r.Method != "" {
		e.str("httpMethod", r.Method)
	}
	e.v1Params(r, true)
	e.open("requestContext")
	e.str("routeKey", r.RouteKey)
	if c.DisconnectStatusCode != 0 {
		e.int("disconnectStatusCode", c.DisconnectStatusCode)
	}
	if c.MessageID != nil {
		e.raw("messageId", c.MessageID)
	}
	e.str("eventType", c.EventType)
	e.str("extendedRequestId", c.ExtendedRequestID)
	e.str("requestTime", c.RequestTime)
	e.str("messageDirection", c.MessageDirection)
	if c.DisconnectReason != nil {
		e.str("disconnectReason", *c.DisconnectReason)
	}
	e.str("stage", r.Stage)
	e.int("connectedAt", c.ConnectedAt)
	e.int("requestTimeEpoch", epochMillis(r))
	e.identity(r, false)
	e.str("requestId", r.RequestID)
	e.str("domainName", r.DomainName)
	e.str("connectionId", c.ConnectionID)
	e.str("apiId", r.APIID)
	e.strOmit("accountId", r.AccountID)
	e.strOmit("resourceId", c.ResourceID)
	e.strOmit("resourcePath", c.ResourcePath)
	e.strOmit("httpMethod", c.HTTPMethod)
	e.strOmit("error", c.Error)
	e.strOmit("integrationLatency", c.IntegrationLatency)
	e.strOmit("status", c.Status)
	e.authorizer(r)
	e.close()
	if len(r.Body) > 0 {
		e.body(r, false)
	}
	e.boolean("isBase64Encoded", r.IsBase64Encoded)
	e.close()
}

// websocketAuthorizer writes the event of a WebSocket API's $connect
// authorizer: the members of AWS's documented example, in its order. The
// request context is the CONNECT event's with an identity of sourceIp
// alone, and stageVariables is {} when the stage has none
// (docs/evidence/websocket.md#authorizer-event).
func (e *encoder) websocketAuthorizer(a *AuthorizerRequest) {
	r := a.Request
	c := &r.Context
	e.b = append(e.b, '{')
	e.str("type", string(a.Type))
	e.str("methodArn", a.MethodArn)
	e.object("headers", r.Header, lastValue, true, true)
	e.object("multiValueHeaders", r.Header, valueList, true, true)
	e.object("queryStringParameters", r.Query, lastValue, false, true)
	e.object("multiValueQueryStringParameters", r.Query, valueList, false, true)
	if len(r.StageVariables) == 0 {
		e.key("stageVariables")
		e.b = append(e.b, "{}"...)
	} else {
		e.object("stageVariables", r.StageVariables, lastValue, false, false)
	}
	e.open("requestContext")
	e.str("routeKey", r.RouteKey)
	e.str("eventType", c.EventType)
	e.str("extendedRequestId", c.ExtendedRequestID)
	e.str("requestTime", c.RequestTime)
	e.str("messageDirection", c.MessageDirection)
	e.str("stage", r.Stage)
	e.int("connectedAt", c.ConnectedAt)
	e.int("requestTimeEpoch", epochMillis(r))
	e.open("identity")
	e.str("sourceIp", r.SourceIP)
	e.close()
	e.str("requestId", r.RequestID)
	e.str("domainName", r.DomainName)
	e.str("connectionId", c.ConnectionID)
	e.str("apiId", r.APIID)
	e.close()
	e.close()
}

func epochMillis(r *Request) int64 {
	if r.Time.IsZero() {
		return 0
	}
	return r.Time.UnixMilli()
}
