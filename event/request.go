package event

import (
	"encoding/json"
	"strings"
	"time"
)

// Source is the kind of event source that sent a request.
type Source uint8

// The event sources. The zero value, Unknown, is never produced by [Decode].
const (
	Unknown       Source = iota
	REST                 // API Gateway REST API, Lambda proxy integration (payload 1.0)
	HTTPAPI              // API Gateway HTTP API (payload 2.0, or 1.0 when Version is "1.0")
	ALB                  // Application Load Balancer, multi-value headers off
	ALBMultiValue        // Application Load Balancer, multi-value headers on
	FunctionURL          // Lambda function URL
	WebSocket            // API Gateway WebSocket API
	numSources
)

var sourceNames = [numSources]string{"unknown", "rest", "http", "alb", "alb-multivalue", "url", "websocket"}

// String returns the short name of s: "rest", "http", "alb", "alb-multivalue",
// "url", "websocket" or "unknown".
func (s Source) String() string {
	if s < numSources {
		return sourceNames[s]
	}
	return "unknown"
}

// ParseSource returns the Source whose [Source.String] is name, and the
// payload version it implies: "http1" is an HTTP API with payload format
// 1.0 (PayloadV1), "ws" is short for "websocket", and other names imply
// the source's default (PayloadDefault). The command line tool and
// Start's LAMBDAGATE_SOURCE read source names with it.
func ParseSource(name string) (Source, PayloadVersion, bool) {
	switch name {
	case "http1":
		return HTTPAPI, PayloadV1, true
	case "ws":
		return WebSocket, PayloadDefault, true
	}
	for i, n := range sourceNames {
		if i > 0 && n == name {
			return Source(i), PayloadDefault, true
		}
	}
	return Unknown, PayloadDefault, false
}

// SourceNames lists the names ParseSource accepts, for usage messages.
const SourceNames = "rest, http, http1 (HTTP API payload 1.0), alb, alb-multivalue, url, websocket (or ws)"

// PayloadVersion is the payload format version of an event: what an HTTP
// API integration's payloadFormatVersion selects. HTTP APIs send 2.0 by
// default and 1.0 when configured; function URLs send 2.0; REST, ALB and
// WebSocket events carry no version.
type PayloadVersion string

const (
	// PayloadDefault is the source's own format: 2.0 for HTTP APIs and
	// function URLs, none for the others.
	PayloadDefault PayloadVersion = ""
	// PayloadV1 is payload format 1.0.
	PayloadV1 PayloadVersion = "1.0"
	// PayloadV2 is payload format 2.0.
	PayloadV2 PayloadVersion = "2.0"
)

// V1 reports whether the source uses the payload 1.0 shape
// (httpMethod, path, multiValueHeaders): REST, ALB, WebSocket, and HTTP APIs
// configured with payload format 1.0.
func (r *Request) V1() bool {
	switch r.Source {
	case HTTPAPI:
		return r.Version == "1.0"
	case FunctionURL:
		return false
	}
	return true
}

// Request is one HTTP request as a Lambda function receives it, whatever
// source sent it.
//
// The fields hold the event as AWS sent it, with the per-source rules of
// each field documented on it. Strings may share memory with the decoded
// payload; a Request is not safe for concurrent mutation, but concurrent
// reads are fine.
type Request struct {
	// The fields routing reads and writes come first, so that they share
	// cache lines.

	// Method is the HTTP method as sent by the client (httpMethod, or
	// requestContext.http.method). WebSocket events carry none, not even
	// $connect's (docs/evidence/websocket.md#event-fields).
	Method string
	// Path is the path to route on: the event's path with the stage prefix
	// removed. It keeps the encoding the source delivered: percent-encoded
	// for REST, ALB and function URLs; decoded for HTTP APIs (AWS decodes
	// rawPath, sometimes twice).
	Path string
	// RouteKey is the matched HTTP API or WebSocket route key
	// ("GET /pets/{id}", "$default", "$connect"); empty otherwise.
	RouteKey string
	// PathParameters holds the path parameters of the matched route,
	// left percent-encoded by REST, decoded by HTTP APIs.
	PathParameters Params
	// Resource is the matched REST resource path ("/pets/{id}"); empty
	// otherwise.
	Resource string
	// RawPath is the event's own path field unchanged: path for payload
	// 1.0 sources, rawPath for payload 2.0 (which includes a named stage).
	RawPath string
	// Stage is the API Gateway stage ("$default" for the default HTTP API
	// stage); empty for ALB and function URLs.
	Stage string
	// Source is the event source.
	Source Source
	// Version is the payload format version the event carried ("2.0" for
	// HTTP APIs and function URLs, "1.0" for HTTP APIs with payload 1.0,
	// empty for REST, ALB and WebSocket events, which carry none).
	Version PayloadVersion

	// Header holds every header value in order. Payload 2.0 sources send
	// lowercased names and join repeated headers with commas, so there each
	// name has one, comma-joined value. REST keeps the case the client sent.
	Header Header
	// Query holds every query parameter, decoded (+ is a space), in order.
	Query Params
	// RawQuery is the query string, percent-encoded, without the '?':
	// rawQueryString as sent for HTTP APIs and function URLs, the values
	// as sent for ALB (which does not decode them), and re-encoded from
	// the decoded parameters for REST and WebSocket events.
	RawQuery string
	// StageVariables holds the stage variables.
	StageVariables Params
	// Cookies holds the request cookies as name=value strings: the cookies
	// field for payload 2.0, split from the Cookie header otherwise.
	Cookies []string

	// Body is the request body, base64-decoded when IsBase64Encoded.
	Body []byte
	// IsBase64Encoded reports whether the event carried the body in base64.
	IsBase64Encoded bool

	// RequestID is the gateway's request id (requestContext.requestId).
	RequestID string
	// APIID is the API id, or the function URL id.
	APIID string
	// AccountID is the AWS account that owns the API.
	AccountID string
	// DomainName is the domain name the client called.
	DomainName string
	// SourceIP is the client address as the gateway saw it.
	SourceIP string
	// UserAgent is the client user agent as the gateway recorded it.
	UserAgent string
	// Time is when the gateway received the request (requestTimeEpoch or
	// timeEpoch), in UTC with millisecond precision; zero if absent.
	Time time.Time

	// Authorizer is the authorizer output, if any.
	Authorizer Authorizer

	// Context holds the rest of the request context, source by source.
	Context Context
}

// Context holds the request-context fields that are specific to some sources.
// Each field says which sources carry it.
type Context struct {
	DomainPrefix      string // REST, HTTP API, function URL
	ExtendedRequestID string // REST, WebSocket
	ResourceID        string // REST, WebSocket
	ResourcePath      string // REST, WebSocket
	OperationName     string // REST
	// Path is requestContext.path (REST: with the stage and any duplicate
	// slashes) or requestContext.http.path (HTTP API, function URL).
	Path string
	// HTTPMethod is requestContext.httpMethod (REST, WebSocket).
	HTTPMethod string
	// Protocol is the client protocol, such as "HTTP/1.1".
	Protocol string
	// RequestTime is the request time as the gateway formats it,
	// "02/Jan/2006:15:04:05 -0700".
	RequestTime string
	// Identity is requestContext.identity (REST, WebSocket), without
	// sourceIp and userAgent, which are in the Request.
	Identity Identity
	// ClientCert is the mutual TLS client certificate, as JSON: the
	// requestContext.authentication.clientCert object for HTTP APIs, or
	// identity.clientCert for REST.
	ClientCert json.RawMessage
	// TargetGroupARN is requestContext.elb.targetGroupArn (ALB).
	TargetGroupARN string

	// WebSocket fields.
	ConnectionID         string
	EventType            string // CONNECT, MESSAGE or DISCONNECT
	ConnectedAt          int64  // milliseconds since the epoch
	MessageDirection     string
	MessageID            json.RawMessage
	Error                string
	IntegrationLatency   string
	Status               string
	DisconnectStatusCode int64
	DisconnectReason     *string
}

// Identity is the caller identity of a REST or WebSocket request.
type Identity struct {
	CognitoIdentityPoolID         string
	AccountID                     string
	CognitoIdentityID             string
	Caller                        string
	APIKey                        string
	APIKeyID                      string
	AccessKey                     string
	CognitoAuthenticationType     string
	CognitoAuthenticationProvider string
	UserARN                       string
	User                          string
}

// Authorizer is the output of the authorizer that ran before the function,
// kept as the JSON object the gateway sent (requestContext.authorizer).
// Its methods read it on demand; none is on the request hot path.
type Authorizer struct {
	// JSON is the requestContext.authorizer object, or nil if the event
	// had none.
	JSON json.RawMessage
}

// IsZero reports whether the request had no authorizer data.
func (a Authorizer) IsZero() bool {
	return len(a.JSON) == 0 || string(a.JSON) == "null"
}

// Map returns the authorizer object decoded with encoding/json: for a REST
// Lambda authorizer, principalId and the context keys; for HTTP APIs, the
// "jwt", "lambda" or "iam" member.
func (a Authorizer) Map() map[string]any {
	var m map[string]any
	if a.IsZero() {
		return nil
	}
	_ = json.Unmarshal(a.JSON, &m)
	return m
}

// PrincipalID returns the principalId a REST Lambda authorizer returned.
func (a Authorizer) PrincipalID() string {
	s, _ := a.Map()["principalId"].(string)
	return s
}

// Lambda returns the context a Lambda authorizer returned: for HTTP APIs the
// "lambda" member, for REST and WebSocket APIs the whole object (principalId
// and the context keys, stringified by the gateway).
func (a Authorizer) Lambda() map[string]any {
	m := a.Map()
	if l, ok := m["lambda"].(map[string]any); ok {
		return l
	}
	if _, ok := m["jwt"]; ok {
		return nil
	}
	if _, ok := m["iam"]; ok {
		return nil
	}
	return m
}

// Claims returns the JWT claims of an HTTP API JWT authorizer, or, for REST
// Cognito user pool authorizers, the "claims" member.
func (a Authorizer) Claims() map[string]string {
	var v struct {
		JWT *struct {
			Claims map[string]string `json:"claims"`
		} `json:"jwt"`
		Claims map[string]string `json:"claims"`
	}
	if a.IsZero() || json.Unmarshal(a.JSON, &v) != nil {
		return nil
	}
	if v.JWT != nil {
		return v.JWT.Claims
	}
	return v.Claims
}

// Scopes returns the scopes of an HTTP API JWT authorizer.
func (a Authorizer) Scopes() []string {
	var v struct {
		JWT *struct {
			Scopes []string `json:"scopes"`
		} `json:"jwt"`
	}
	if a.IsZero() || json.Unmarshal(a.JSON, &v) != nil || v.JWT == nil {
		return nil
	}
	return v.JWT.Scopes
}

// IAM is the IAM identity of a request signed with SigV4 (HTTP APIs and
// function URLs with IAM auth).
type IAM struct {
	AccessKey       string `json:"accessKey"`
	AccountID       string `json:"accountId"`
	CallerID        string `json:"callerId"`
	PrincipalOrgID  string `json:"principalOrgId"`
	UserARN         string `json:"userArn"`
	UserID          string `json:"userId"`
	CognitoIdentity *struct {
		AMR            []string `json:"amr"`
		IdentityID     string   `json:"identityId"`
		IdentityPoolID string   `json:"identityPoolId"`
	} `json:"cognitoIdentity,omitempty"`
}

// IAM returns the IAM identity, or nil if the authorizer was not IAM.
func (a Authorizer) IAM() *IAM {
	var v struct {
		IAM *IAM `json:"iam"`
	}
	if a.IsZero() || json.Unmarshal(a.JSON, &v) != nil {
		return nil
	}
	return v.IAM
}

// ContentType returns the media type of the Content-Type header, lowercased
// and without parameters.
func (r *Request) ContentType() string {
	return MediaType(r.Header.Get("Content-Type"))
}

// MediaType returns the media type of a Content-Type value, lowercased,
// without parameters and surrounding spaces.
func MediaType(v string) string {
	if i := strings.IndexByte(v, ';'); i >= 0 {
		v = v[:i]
	}
	v = strings.TrimSpace(v)
	for i := 0; i < len(v); i++ {
		if 'A' <= v[i] && v[i] <= 'Z' {
			return strings.ToLower(v)
		}
	}
	return v
}

// Host returns the Host header, or DomainName when there is none.
func (r *Request) Host() string {
	if h := r.Header.Get("Host"); h != "" {
		return h
	}
	return r.DomainName
}
