package event

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/lambdagate/lambdagate/internal/ascii"
	"github.com/lambdagate/lambdagate/internal/fieldset"
	"github.com/lambdagate/lambdagate/internal/jsonx"
	"github.com/lambdagate/lambdagate/internal/quota"
)

// Limits bound the payloads [Limits.Decode] accepts. The zero value is
// the defaults; a field that is zero or negative takes its default.
// Limits are values, so callers with different needs never share one.
type Limits struct {
	// MaxPayload is the largest payload, in bytes. The default is
	// Lambda's quota for a synchronous invoke payload, 6 MB, counted as
	// the Lambda runtime counts it: 6 MiB plus 100 bytes (6,291,556), so
	// every event Lambda delivers is accepted.
	MaxPayload int
	// MaxDepth is the deepest nesting of objects and arrays in a member
	// Decode skips or keeps as raw JSON (authorizer context, client
	// certificate, unknown members). The default is 1,000 levels.
	MaxDepth int
}

func (l Limits) maxPayload() int {
	if l.MaxPayload <= 0 {
		return quota.LambdaRequest
	}
	return l.MaxPayload
}

// A DecodeError says why a payload is not an event Decode understands.
type DecodeError struct {
	Field string // the JSON path of the problem, such as "requestContext.http"
	Err   error
}

func (e *DecodeError) Error() string {
	if e.Field == "" {
		return "event: " + e.Err.Error()
	}
	return fmt.Sprintf("event: %s: %v", e.Field, e.Err)
}

func (e *DecodeError) Unwrap() error { return e.Err }

// ErrUnknownSource is wrapped by the error Decode returns for a JSON object
// that is not an HTTP event of any known source.
var ErrUnknownSource = errors.New("not an HTTP event of a known source")

// Decode reads an invoke payload sent by any HTTP event source and returns
// the request, within the default [Limits]. It is Limits{}.Decode(payload).
func Decode(payload []byte) (*Request, error) {
	return Limits{}.Decode(payload)
}

// Decode reads an invoke payload sent by any HTTP event source and returns
// the request. It detects the source from the document itself in the same
// single pass that reads the fields, in time and memory linear in the
// size of the payload.
//
// Decode copies payload once; the request's strings share that copy, so
// the caller may reuse payload afterwards. It returns a *DecodeError for
// malformed JSON, invalid UTF-8, duplicate keys, wrong field types, invalid
// base64 bodies, payloads over l.MaxPayload, nesting deeper than
// l.MaxDepth and documents of no known source.
func (l Limits) Decode(payload []byte) (*Request, error) {
	return l.decode(payload, nil)
}

// decode reads payload within l, and for an authorizer event its
// authorizer's fields into authz.
func (l Limits) decode(payload []byte, authz *authorizerFields) (*Request, error) {
	if max := l.maxPayload(); len(payload) > max {
		return nil, &DecodeError{Err: fmt.Errorf("payload of %d bytes is over the %d byte limit", len(payload), max)}
	}
	buf := append([]byte(nil), payload...) // a copy, not zeroed first
	d := decoder{s: jsonx.Scanner{MaxDepth: l.MaxDepth}, authz: authz}
	d.s.Reset(buf)
	return d.decode()
}

// The maps of an event (headers, query, path parameters, stage
// variables) are read into a scratch slice, on the decoder's stack for
// the sizes AWS sends, and copied, at the end, into one slice of the
// exact size that they then share.
const (
	spanHeaders = iota
	spanMVHeaders
	spanQuery
	spanMVQuery
	spanPathParams
	spanStageVars
	numSpans
)

// A span is where one map's fields are in the scratch slice.
type span struct {
	start, end int
	present    bool // the map was an object, not null or absent
}

// emptyFields is the value of a map that was an empty object: empty but
// not nil, as a map that was null or absent is.
var emptyFields = []Field{}

// Field bits for duplicate detection and presence.
const (
	fVersion = 1 << iota
	fResource
	fPath
	fHTTPMethod
	fHeaders
	fMVHeaders
	fQuery
	fMVQuery
	fPathParams
	fStageVars
	fRequestContext
	fBody
	fIsBase64
	fRouteKey
	fRawPath
	fRawQuery
	fCookies
	fAuthorizerEvent
)

const (
	cAccountID = 1 << iota
	cAPIID
	cDomainName
	cDomainPrefix
	cRequestID
	cExtendedRequestID
	cStage
	cRouteKey
	cResourceID
	cResourcePath
	cOperationName
	cPath
	cHTTPMethod
	cProtocol
	cRequestTime
	cRequestTimeEpoch
	cTime
	cTimeEpoch
	cIdentity
	cAuthorizer
	cHTTP
	cAuthentication
	cELB
	cConnectionID
	cEventType
	cConnectedAt
	cMessageDirection
	cMessageID
	cError
	cIntegrationLatency
	cStatus
	cDisconnectStatusCode
	cDisconnectReason
)

var topKeys = []string{"version", "resource", "path", "httpMethod", "headers", "multiValueHeaders",
	"queryStringParameters", "multiValueQueryStringParameters", "pathParameters", "stageVariables",
	"requestContext", "body", "isBase64Encoded", "routeKey", "rawPath", "rawQueryString", "cookies"}

var contextKeys = []string{"accountId", "apiId", "domainName", "domainPrefix", "requestId",
	"extendedRequestId", "stage", "routeKey", "resourceId", "resourcePath", "operationName", "path",
	"httpMethod", "protocol", "requestTime", "requestTimeEpoch", "time", "timeEpoch", "identity",
	"authorizer", "http", "authentication", "elb", "connectionId", "eventType", "connectedAt",
	"messageDirection", "messageId", "error", "integrationLatency", "status", "disconnectStatusCode",
	"disconnectReason"}

var identityKeys = []string{"cognitoIdentityPoolId", "accountId", "cognitoIdentityId", "caller",
	"apiKey", "apiKeyId", "accessKey", "sourceIp", "cognitoAuthenticationType",
	"cognitoAuthenticationProvider", "userArn", "userAgent", "user", "clientCert"}

var httpKeys = []string{"method", "path", "protocol", "sourceIp", "userAgent"}

// fold returns the known key that equals key ignoring case, as
// encoding/json matches struct fields, or "" if none does.
func fold(key string, known []string) string {
	for _, k := range known {
		if ascii.EqualFold(k, key) {
			return k
		}
	}
	return ""
}

type decoder struct {
	s jsonx.Scanner
	// section and field name the member being read, for errors; the path
	// is only joined when an error needs it.
	section, field string

	seen, ctxSeen uint64

	version, rawQueryString, body string
	v1Path, rawPath               string // payload 1.0 "path", payload 2.0 "rawPath"
	headers, mvHeaders            Header
	query, mvQuery                Params
	isBase64                      bool
	idSourceIP, idUserAgent       string
	httpMethod, httpPath          string
	httpSourceIP, httpUserAgent   string
	httpProtocol                  string
	epoch                         int64

	// The fields of every map, see span: the first len(scratch) in
	// scratch, on the stack, then all of them in spill once they no
	// longer fit. No slice of scratch is ever stored in the decoder,
	// which would move it to the heap.
	scratch [48]Field
	spill   []Field
	nfields int
	spans   [numSpans]span
	// keys finds the names of the map being read, for duplicates.
	keys fieldset.Set[Field]

	r     *Request
	force Source // the source to assume, from a typed event; Unknown to detect
	// authz, when set, receives the members of an authorizer event
	// (DecodeAuthorizer); Decode refuses authorizer events.
	authz *authorizerFields
}

func (d *decoder) fail(err error) {
	d.s.SetErr(&DecodeError{Field: d.path(), Err: err})
}

func (d *decoder) path() string {
	if d.section == "" {
		return d.field
	}
	return d.section + "." + d.field
}

func (d *decoder) err() error {
	err := d.s.Err()
	if err == nil {
		return nil
	}
	var de *DecodeError
	if errors.As(err, &de) {
		return err
	}
	return &DecodeError{Field: d.path(), Err: err}
}

// mark records that a member was read, failing on a repeat.
func (d *decoder) mark(set *uint64, bit uint64, key string) bool {
	if *set&bit != 0 {
		d.fail(fmt.Errorf("%w %q", jsonx.ErrDuplicateKey, key))
		return false
	}
	*set |= bit
	return true
}

func (d *decoder) decode() (*Request, error) {
	r := &Request{}
	d.r = r
	s := &d.s
	if !s.Object() {
		if s.Err() == nil {
			d.fail(errors.New("payload is null, want an event object"))
		}
		return nil, d.err()
	}
	for first := true; s.More(first, '}'); first = false {
		key := s.Key()
		d.top(key)
		if s.Err() != nil {
			break
		}
	}
	if s.Err() != nil {
		return nil, d.err()
	}
	d.section, d.field = "", ""
	if s.End(); s.Err() != nil {
		return nil, d.err()
	}
	if err := d.finish(); err != nil {
		return nil, err
	}
	return r, nil
}

func (d *decoder) top(key string) {
	s, r := &d.s, d.r
	d.section, d.field = "", key
	for {
		switch key {
		case "version":
			if d.mark(&d.seen, fVersion, key) {
				d.version, _ = s.StringOrNull()
			}
		case "resource":
			if d.mark(&d.seen, fResource, key) {
				r.Resource, _ = s.StringOrNull()
			}
		case "path":
			if d.mark(&d.seen, fPath, key) {
				d.v1Path, _ = s.StringOrNull()
			}
		case "httpMethod":
			if d.mark(&d.seen, fHTTPMethod, key) {
				r.Method, _ = s.StringOrNull()
			}
		case "routeKey":
			if d.mark(&d.seen, fRouteKey, key) {
				r.RouteKey, _ = s.StringOrNull()
			}
		case "rawPath":
			if d.mark(&d.seen, fRawPath, key) {
				d.rawPath, _ = s.StringOrNull()
			}
		case "rawQueryString":
			if d.mark(&d.seen, fRawQuery, key) {
				d.rawQueryString, _ = s.StringOrNull()
			}
		case "headers":
			if d.mark(&d.seen, fHeaders, key) {
				d.stringMap(spanHeaders)
			}
		case "multiValueHeaders":
			if d.mark(&d.seen, fMVHeaders, key) {
				d.multiMap(spanMVHeaders)
			}
		case "queryStringParameters":
			if d.mark(&d.seen, fQuery, key) {
				d.stringMap(spanQuery)
			}
		case "multiValueQueryStringParameters":
			if d.mark(&d.seen, fMVQuery, key) {
				d.multiMap(spanMVQuery)
			}
		case "pathParameters":
			if d.mark(&d.seen, fPathParams, key) {
				d.stringMap(spanPathParams)
			}
		case "stageVariables":
			if d.mark(&d.seen, fStageVars, key) {
				d.stringMap(spanStageVars)
			}
		case "cookies":
			if d.mark(&d.seen, fCookies, key) {
				r.Cookies = d.stringArray()
			}
		case "body":
			if d.mark(&d.seen, fBody, key) {
				d.body, _ = s.StringOrNull()
			}
		case "isBase64Encoded":
			if d.mark(&d.seen, fIsBase64, key) {
				d.isBase64 = s.Bool()
			}
		case "requestContext":
			if d.mark(&d.seen, fRequestContext, key) {
				d.requestContext()
			}
		case "methodArn", "routeArn", "type", "authorizationToken", "identitySource":
			if d.authz != nil {
				d.authorizerMember(key)
				break
			}
			if key == "methodArn" || key == "routeArn" {
				d.seen |= fAuthorizerEvent
			}
			s.Skip()
		default:
			if k := fold(key, topKeys); k != "" {
				key = k
				continue
			}
			s.Skip()
		}
		return
	}
}

func (d *decoder) requestContext() {
	s, r := &d.s, d.r
	if !s.Object() {
		return
	}
	c := &r.Context
	for first := true; s.More(first, '}'); first = false {
		key := s.Key()
		d.section, d.field = "requestContext", key
	again:
		switch key {
		case "accountId":
			if d.mark(&d.ctxSeen, cAccountID, key) {
				r.AccountID, _ = s.StringOrNull()
			}
		case "apiId":
			if d.mark(&d.ctxSeen, cAPIID, key) {
				r.APIID, _ = s.StringOrNull()
			}
		case "domainName":
			if d.mark(&d.ctxSeen, cDomainName, key) {
				r.DomainName, _ = s.StringOrNull()
			}
		case "domainPrefix":
			if d.mark(&d.ctxSeen, cDomainPrefix, key) {
				c.DomainPrefix, _ = s.StringOrNull()
			}
		case "requestId":
			if d.mark(&d.ctxSeen, cRequestID, key) {
				r.RequestID, _ = s.StringOrNull()
			}
		case "extendedRequestId":
			if d.mark(&d.ctxSeen, cExtendedRequestID, key) {
				c.ExtendedRequestID, _ = s.StringOrNull()
			}
		case "stage":
			if d.mark(&d.ctxSeen, cStage, key) {
				r.Stage, _ = s.StringOrNull()
			}
		case "routeKey":
			if d.mark(&d.ctxSeen, cRouteKey, key) {
				rk, _ := s.StringOrNull()
				if r.RouteKey == "" {
					r.RouteKey = rk
				}
			}
		case "resourceId":
			if d.mark(&d.ctxSeen, cResourceID, key) {
				c.ResourceID, _ = s.StringOrNull()
			}
		case "resourcePath":
			if d.mark(&d.ctxSeen, cResourcePath, key) {
				c.ResourcePath, _ = s.StringOrNull()
			}
		case "operationName":
			if d.mark(&d.ctxSeen, cOperationName, key) {
				c.OperationName, _ = s.StringOrNull()
			}
		case "path":
			if d.mark(&d.ctxSeen, cPath, key) {
				c.Path, _ = s.StringOrNull()
			}
		case "httpMethod":
			if d.mark(&d.ctxSeen, cHTTPMethod, key) {
				c.HTTPMethod, _ = s.StringOrNull()
			}
		case "protocol":
			if d.mark(&d.ctxSeen, cProtocol, key) {
				c.Protocol, _ = s.StringOrNull()
			}
		case "requestTime":
			if d.mark(&d.ctxSeen, cRequestTime, key) {
				c.RequestTime, _ = s.StringOrNull()
			}
		case "time":
			if d.mark(&d.ctxSeen, cTime, key) {
				c.RequestTime, _ = s.StringOrNull()
			}
		case "requestTimeEpoch":
			if d.mark(&d.ctxSeen, cRequestTimeEpoch, key) {
				d.epoch = s.Int64()
			}
		case "timeEpoch":
			if d.mark(&d.ctxSeen, cTimeEpoch, key) {
				d.epoch = s.Int64()
			}
		case "identity":
			if d.mark(&d.ctxSeen, cIdentity, key) {
				d.identity()
			}
		case "authorizer":
			if d.mark(&d.ctxSeen, cAuthorizer, key) {
				if s.Kind() == 'n' {
					s.Null()
				} else {
					r.Authorizer.JSON = s.Raw()
				}
			}
		case "http":
			if d.mark(&d.ctxSeen, cHTTP, key) {
				d.http()
			}
		case "authentication":
			if d.mark(&d.ctxSeen, cAuthentication, key) {
				d.authentication()
			}
		case "elb":
			if d.mark(&d.ctxSeen, cELB, key) {
				d.elb()
			}
		case "connectionId":
			if d.mark(&d.ctxSeen, cConnectionID, key) {
				c.ConnectionID, _ = s.StringOrNull()
			}
		case "eventType":
			if d.mark(&d.ctxSeen, cEventType, key) {
				c.EventType, _ = s.StringOrNull()
			}
		case "connectedAt":
			if d.mark(&d.ctxSeen, cConnectedAt, key) {
				c.ConnectedAt = s.Int64()
			}
		case "messageDirection":
			if d.mark(&d.ctxSeen, cMessageDirection, key) {
				c.MessageDirection, _ = s.StringOrNull()
			}
		case "messageId":
			if d.mark(&d.ctxSeen, cMessageID, key) {
				if s.Kind() == 'n' {
					s.Null()
				} else {
					c.MessageID = s.Raw()
				}
			}
		case "error":
			if d.mark(&d.ctxSeen, cError, key) {
				c.Error, _ = s.StringOrNull()
			}
		case "integrationLatency":
			if d.mark(&d.ctxSeen, cIntegrationLatency, key) {
				c.IntegrationLatency, _ = s.StringOrNull()
			}
		case "status":
			if d.mark(&d.ctxSeen, cStatus, key) {
				c.Status, _ = s.StringOrNull()
			}
		case "disconnectStatusCode":
			if d.mark(&d.ctxSeen, cDisconnectStatusCode, key) {
				c.DisconnectStatusCode = s.Int64()
			}
		case "disconnectReason":
			if d.mark(&d.ctxSeen, cDisconnectReason, key) {
				if v, ok := s.StringOrNull(); ok {
					c.DisconnectReason = &v
				}
			}
		default:
			if k := fold(key, contextKeys); k != "" {
				key = k
				goto again
			}
			s.Skip()
		}
	}
}

func (d *decoder) identity() {
	s, r := &d.s, d.r
	if !s.Object() {
		return
	}
	id := &r.Context.Identity
	var seen uint64
	for first := true; s.More(first, '}'); first = false {
		key := s.Key()
		d.section, d.field = "requestContext.identity", key
		var dst *string
	again:
		switch key {
		case "cognitoIdentityPoolId":
			dst = &id.CognitoIdentityPoolID
		case "accountId":
			dst = &id.AccountID
		case "cognitoIdentityId":
			dst = &id.CognitoIdentityID
		case "caller":
			dst = &id.Caller
		case "apiKey":
			dst = &id.APIKey
		case "apiKeyId":
			dst = &id.APIKeyID
		case "accessKey":
			dst = &id.AccessKey
		case "sourceIp":
			dst = &d.idSourceIP
		case "cognitoAuthenticationType":
			dst = &id.CognitoAuthenticationType
		case "cognitoAuthenticationProvider":
			dst = &id.CognitoAuthenticationProvider
		case "userArn":
			dst = &id.UserARN
		case "userAgent":
			dst = &d.idUserAgent
		case "user":
			dst = &id.User
		case "clientCert":
			if d.mark(&seen, 1<<13, key) {
				if s.Kind() == 'n' {
					s.Null()
				} else {
					r.Context.ClientCert = s.Raw()
				}
			}
			continue
		default:
			if k := fold(key, identityKeys); k != "" {
				key = k
				goto again
			}
			s.Skip()
			continue
		}
		if d.mark(&seen, 1<<indexOf(identityKeys, key), key) {
			*dst, _ = s.StringOrNull()
		}
	}
}

func indexOf(keys []string, k string) int {
	for i, kk := range keys {
		if kk == k {
			return i
		}
	}
	return 63
}

func (d *decoder) http() {
	s := &d.s
	if !s.Object() {
		return
	}
	var seen uint64
	for first := true; s.More(first, '}'); first = false {
		key := s.Key()
		d.section, d.field = "requestContext.http", key
		var dst *string
	again:
		switch key {
		case "method":
			dst = &d.httpMethod
		case "path":
			dst = &d.httpPath
		case "protocol":
			dst = &d.httpProtocol
		case "sourceIp":
			dst = &d.httpSourceIP
		case "userAgent":
			dst = &d.httpUserAgent
		default:
			if k := fold(key, httpKeys); k != "" {
				key = k
				goto again
			}
			s.Skip()
			continue
		}
		if d.mark(&seen, 1<<indexOf(httpKeys, key), key) {
			*dst, _ = s.StringOrNull()
		}
	}
}

func (d *decoder) authentication() {
	s := &d.s
	if !s.Object() {
		return
	}
	seen := false
	for first := true; s.More(first, '}'); first = false {
		key := s.Key()
		d.section, d.field = "requestContext.authentication", key
		if ascii.EqualFold(key, "clientCert") {
			if seen {
				d.fail(fmt.Errorf("%w %q", jsonx.ErrDuplicateKey, key))
				return
			}
			seen = true
			if s.Kind() == 'n' {
				s.Null()
			} else {
				d.r.Context.ClientCert = s.Raw()
			}
			continue
		}
		s.Skip()
	}
}

func (d *decoder) elb() {
	s := &d.s
	if !s.Object() {
		return
	}
	seen := false
	for first := true; s.More(first, '}'); first = false {
		key := s.Key()
		d.section, d.field = "requestContext.elb", key
		if ascii.EqualFold(key, "targetGroupArn") {
			if seen {
				d.fail(fmt.Errorf("%w %q", jsonx.ErrDuplicateKey, key))
				return
			}
			seen = true
			d.r.Context.TargetGroupARN, _ = s.StringOrNull()
			continue
		}
		s.Skip()
	}
	// An elb object, even empty, marks the ALB source.
}

// add appends f to the fields of the maps.
func (d *decoder) add(f Field) {
	switch {
	case d.spill != nil:
		d.spill = append(d.spill, f)
	case d.nfields < len(d.scratch):
		d.scratch[d.nfields] = f
	default:
		d.spill = make([]Field, d.nfields, 2*d.nfields)
		copy(d.spill, d.scratch[:])
		d.spill = append(d.spill, f)
	}
	d.nfields++
}

// fields returns the fields of the maps from start on, for reading only.
func (d *decoder) fields(start int) []Field {
	if d.spill != nil {
		return d.spill[start:d.nfields]
	}
	return d.scratch[start:d.nfields]
}

// stringMap reads an object of strings (or null) as fields in document
// order, refusing repeated names, into the span of map m.
func (d *decoder) stringMap(m int) {
	s := &d.s
	if !s.Object() {
		return
	}
	start := d.nfields
	d.keys = fieldset.Set[Field]{}
	for first := true; s.More(first, '}'); first = false {
		k := s.Key()
		if s.Err() != nil {
			break
		}
		v, _ := s.StringOrNull()
		if s.Err() != nil {
			break
		}
		if d.repeated(start, k) {
			break
		}
		d.add(Field{k, v})
	}
	d.spans[m] = span{start, d.nfields, true}
}

// multiMap reads an object of string arrays (or null) as one field per
// value, into the span of map m.
func (d *decoder) multiMap(m int) {
	s := &d.s
	if !s.Object() {
		return
	}
	start := d.nfields
	d.keys = fieldset.Set[Field]{}
	for first := true; s.More(first, '}'); first = false {
		k := s.Key()
		if s.Err() != nil {
			break
		}
		if d.repeated(start, k) {
			break
		}
		if v, ok := s.OneString(); ok {
			d.add(Field{k, v})
			continue
		}
		if !s.Array() {
			continue
		}
		for f := true; s.More(f, ']'); f = false {
			v, _ := s.StringOrNull()
			d.add(Field{k, v})
		}
	}
	d.spans[m] = span{start, d.nfields, true}
}

// maps copies the fields of every map out of the scratch slice into one
// slice of the exact size, and sets each map to its part of it.
func (d *decoder) maps() {
	present := false
	for _, sp := range d.spans {
		present = present || sp.present
	}
	if !present {
		return
	}
	all := make([]Field, d.nfields)
	copy(all, d.fields(0))
	get := func(m int) []Field {
		sp := d.spans[m]
		switch {
		case !sp.present:
			return nil
		case sp.start == sp.end:
			return emptyFields
		}
		return all[sp.start:sp.end:sp.end]
	}
	d.headers = get(spanHeaders)
	d.mvHeaders = get(spanMVHeaders)
	d.query = get(spanQuery)
	d.mvQuery = get(spanMVQuery)
	d.r.PathParameters = get(spanPathParams)
	d.r.StageVariables = get(spanStageVars)
}

// repeated reports, and fails, when name is already a name of the map
// being read, whose fields start at start.
func (d *decoder) repeated(start int, name string) bool {
	if d.keys.Find(d.fields(start), name, "") >= 0 {
		d.fail(fmt.Errorf("%w %q", jsonx.ErrDuplicateKey, name))
		return true
	}
	return false
}

func (d *decoder) stringArray() []string {
	s := &d.s
	if !s.Array() {
		return nil
	}
	out := make([]string, 0, 4)
	for first := true; s.More(first, ']'); first = false {
		v, _ := s.StringOrNull()
		out = append(out, v)
	}
	return out
}

// finish detects the source and derives the uniform fields.
func (d *decoder) finish() error {
	r := d.r
	if d.authz != nil && d.authz.typ != string(RequestAuthorizer) {
		return nil // a TOKEN event carries no request; DecodeAuthorizer checks the type
	}
	d.section, d.field = "", ""
	d.maps()
	albMode := ALB
	if d.seen&fMVHeaders != 0 || (d.seen&fHeaders == 0 && d.seen&fMVQuery != 0) {
		albMode = ALBMultiValue
	}
	switch {
	case d.force == ALB:
		r.Source = albMode
	case d.force == HTTPAPI:
		r.Source = HTTPAPI
		if d.version == "" {
			d.version = "2.0"
		}
	case d.force != Unknown:
		r.Source = d.force
	case d.seen&fAuthorizerEvent != 0:
		return &DecodeError{Err: fmt.Errorf("%w: an authorizer event (methodArn or routeArn), not a request", ErrUnknownSource)}
	case d.ctxSeen&cELB != 0:
		r.Source = albMode
	case d.version == "2.0":
		r.Source = HTTPAPI
		if strings.Contains(r.DomainName, ".lambda-url.") || (d.ctxSeen&(cRouteKey|cStage) == 0 && d.seen&fRouteKey == 0) {
			r.Source = FunctionURL
		}
	case d.ctxSeen&(cConnectionID|cEventType) != 0:
		r.Source = WebSocket
	case d.version == "1.0":
		r.Source = HTTPAPI
	case d.seen&(fHTTPMethod|fResource) != 0 || d.ctxSeen&cHTTPMethod != 0:
		r.Source = REST
	default:
		return &DecodeError{Err: fmt.Errorf("%w: no version, httpMethod, requestContext.elb or connectionId", ErrUnknownSource)}
	}
	if d.version != "" {
		r.Version = PayloadVersion(d.version)
	}

	if r.V1() {
		r.Header = mergeHeaders(d.mvHeaders, d.headers)
		query := mergeParams(d.mvQuery, d.query)
		switch r.Source {
		case ALB, ALBMultiValue:
			// ALB passes query names and values as the client sent them.
			r.RawQuery = joinQuery(query)
			r.Query = unescapeParams(query)
		default:
			r.Query = query
			if len(query) > 0 {
				r.RawQuery = query.Encode()
			}
		}
		r.RawPath = d.v1Path
		r.Path = r.RawPath
		r.SourceIP, r.UserAgent = d.idSourceIP, d.idUserAgent
		if r.Source == ALB || r.Source == ALBMultiValue {
			// ALB events have no source IP field; the load balancer
			// appends the client address to X-Forwarded-For.
			r.SourceIP = lastForwarded(r.Header.Get("X-Forwarded-For"))
			r.UserAgent = r.Header.Get("User-Agent")
		}
		if r.Method == "" {
			r.Method = r.Context.HTTPMethod
		}
		r.Cookies = splitCookies(r.Header)
	} else {
		r.RawPath = d.rawPath
		r.Header = d.headers
		r.Method = d.httpMethod
		r.Context.Path = d.httpPath
		r.Context.Protocol = d.httpProtocol
		r.SourceIP, r.UserAgent = d.httpSourceIP, d.httpUserAgent
		r.RawQuery = d.rawQueryString
		if d.rawQueryString != "" {
			r.Query = parseQuery(d.rawQueryString)
		} else {
			r.Query = d.query
		}
		r.Path = stripStage(r.RawPath, r.Stage)
		if r.Source == FunctionURL {
			r.Path = r.RawPath
		}
	}
	if d.epoch != 0 {
		r.Time = time.UnixMilli(d.epoch).UTC()
	}
	r.IsBase64Encoded = d.isBase64
	if d.isBase64 {
		body, err := base64.StdEncoding.DecodeString(d.body)
		if err != nil {
			return &DecodeError{Field: "body", Err: fmt.Errorf("invalid base64: %w", err)}
		}
		r.Body = body
	} else if d.body != "" {
		r.Body = jsonx.Bytes(d.body)
	}
	return nil
}

// lastForwarded returns the last address of an X-Forwarded-For value.
func lastForwarded(xff string) string {
	if i := strings.LastIndexByte(xff, ','); i >= 0 {
		xff = xff[i+1:]
	}
	return strings.TrimSpace(xff)
}

// stripStage removes a leading /stage segment from a payload 2.0 path.
// The $default stage has no prefix, and a custom domain path need not carry
// the stage, so only a whole first segment equal to the stage is removed.
func stripStage(p, stage string) string {
	if stage == "" || stage == "$default" || len(p) < len(stage)+1 || p[0] != '/' || p[1:1+len(stage)] != stage {
		return p
	}
	rest := p[1+len(stage):]
	if rest == "" {
		return "/"
	}
	if rest[0] == '/' {
		return rest
	}
	return p
}

// mergeHeaders returns the multi-value fields followed by single-value
// fields whose names the multi-value map lacks. AWS sends both maps with
// the same names; hand-made events may not.
func mergeHeaders(multi, single Header) Header {
	return merge(multi, single, true)
}

func mergeParams(multi, single Params) Params {
	return merge(multi, single, false)
}

// merge returns multi followed by the fields of single whose names multi
// lacks (ignoring case when fold is set), sharing multi when there are
// none.
func merge[L ~[]Field](multi, single L, fold bool) L {
	if len(multi) == 0 {
		return single
	}
	if len(single) == 0 {
		return multi
	}
	out := multi
	names := fieldset.Set[Field]{Fold: fold}
	for _, f := range single {
		if names.Find(multi, f.Name, "") < 0 {
			if len(out) == len(multi) {
				out = append(multi[:len(multi):len(multi)], f)
				continue
			}
			out = append(out, f)
		}
	}
	return out
}

// splitCookies returns the name=value pairs of every Cookie header.
func splitCookies(h Header) []string {
	var out []string
	for i := range h {
		if !ascii.EqualFold(h[i].Name, "Cookie") {
			continue
		}
		v := h[i].Value
		for v != "" {
			var c string
			c, v, _ = strings.Cut(v, ";")
			if c = strings.TrimSpace(c); c != "" {
				out = append(out, c)
			}
		}
	}
	return out
}

func joinQuery(p Params) string {
	if len(p) == 0 {
		return ""
	}
	n := len(p) * 2
	for _, f := range p {
		n += len(f.Name) + len(f.Value)
	}
	var b strings.Builder
	b.Grow(n)
	for i, f := range p {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(f.Name)
		b.WriteByte('=')
		b.WriteString(f.Value)
	}
	return b.String()
}

func unescapeParams(p Params) Params {
	var out Params
	for i, f := range p {
		n, v := queryUnescape(f.Name), queryUnescape(f.Value)
		if out == nil && (n != f.Name || v != f.Value) {
			out = make(Params, len(p))
			copy(out, p[:i])
		}
		if out != nil {
			out[i] = Field{n, v}
		}
	}
	if out == nil {
		return p
	}
	return out
}

// parseQuery splits a raw query string on '&' and decodes each name and
// value as API Gateway does: '+' is a space, %XX a byte; a malformed escape
// is kept as sent.
func parseQuery(q string) Params {
	n := strings.Count(q, "&") + 1
	out := make(Params, 0, n)
	for q != "" {
		var kv string
		kv, q, _ = strings.Cut(q, "&")
		if kv == "" {
			continue
		}
		k, v, _ := strings.Cut(kv, "=")
		out = append(out, Field{queryUnescape(k), queryUnescape(v)})
	}
	return out
}

// queryUnescape decodes + and %XX; it returns s itself when nothing needs
// decoding, and keeps malformed escapes as they are.
func queryUnescape(s string) string {
	// A loop, not strings.IndexAny: the names and values are short and
	// IndexAny's set costs more to build than they take to scan.
	i := 0
	for i < len(s) && s[i] != '+' && s[i] != '%' {
		i++
	}
	if i == len(s) {
		return s
	}
	b := make([]byte, 0, len(s))
	b = append(b, s[:i]...)
	for ; i < len(s); i++ {
		switch c := s[i]; c {
		case '+':
			b = append(b, ' ')
		case '%':
			if i+2 < len(s) && ascii.IsHex(s[i+1]) && ascii.IsHex(s[i+2]) {
				b = append(b, ascii.Unhex(s[i+1])<<4|ascii.Unhex(s[i+2]))
				i += 2
			} else {
				b = append(b, c)
			}
		default:
			b = append(b, c)
		}
	}
	return string(b)
}
