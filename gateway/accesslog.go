package gateway

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/lambdagate/lambdagate/event"
)

// AccessLog is a stage's access log settings, API Gateway's
// accessLogSettings: a format of $context variables and where the lines
// go. The zero value is off, and the gateway writes its own structured
// line to API.Logger instead.
//
// A format is text with $context variable references, as API Gateway
// documents them for REST and HTTP APIs; each request writes one line, the
// text with every reference replaced by the request's value, as AWS
// renders it:
//
//   - a value that is absent, or that the local gateway does not emulate
//     (authorizers, IAM identities, WAF, client certificates, custom
//     domains), is "-";
//   - numbers (status, latencies in milliseconds, lengths, epochs) are
//     digits, never quoted;
//   - strings are as they are, with '"' and '\' escaped with a backslash
//     and control characters as JSON escapes, so that values such as a
//     user agent cannot break a JSON or CSV line; quotes around a value
//     are the format author's;
//   - $context.error.messageString is the error message as a quoted JSON
//     string.
//
// A reference is "$context." followed by a dotted name whose parts are
// letters, digits, '_' and '-'; the longest name the API kind knows wins,
// so "$context.requestTimeEpoch" is not "$context.requestTime" followed by
// "Epoch", and "$context.requestId-x" is the request id followed by "-x".
// The gateway refuses, when it is built, a format with an unknown
// variable (listing every one with its offset), a variable of another API
// kind, "$context" without a name, $input, $stageVariables or $util
// references, a line break other than one at the end, or no
// $context.requestId or $context.extendedRequestId, as API Gateway
// refuses them when a stage is configured.
//
// The console's example formats are the constants RESTAccessLog* and
// HTTPAccessLog*.
type AccessLog struct {
	// Format is the access log format. Empty means no access log.
	Format string
	// Writer receives the lines, one Write call per line, each ending in
	// a newline; writes are serialized. nil means os.Stderr.
	Writer io.Writer
}

// The access log formats the API Gateway console offers for REST APIs, as
// the developer guide lists them ("Access logging for REST APIs",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/set-up-access-logging.html),
// byte for byte, including the CLF format's missing space before the
// quoted request.
const (
	RESTAccessLogCLF  = `$context.identity.sourceIp $context.identity.caller $context.identity.user [$context.requestTime]"$context.httpMethod $context.resourcePath $context.protocol" $context.status $context.responseLength $context.requestId $context.extendedRequestId`
	RESTAccessLogJSON = `{ "requestId":"$context.requestId", "extendedRequestId":"$context.extendedRequestId","ip": "$context.identity.sourceIp", "caller":"$context.identity.caller", "user":"$context.identity.user", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod", "resourcePath":"$context.resourcePath", "status":"$context.status", "protocol":"$context.protocol", "responseLength":"$context.responseLength" }`
	RESTAccessLogXML  = `<request id="$context.requestId"> <extendedRequestId>$context.extendedRequestId</extendedRequestId> <ip>$context.identity.sourceIp</ip> <caller>$context.identity.caller</caller> <user>$context.identity.user</user> <requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod</httpMethod> <resourcePath>$context.resourcePath</resourcePath> <status>$context.status</status> <protocol>$context.protocol</protocol> <responseLength>$context.responseLength</responseLength> </request>`
	RESTAccessLogCSV  = `$context.identity.sourceIp,$context.identity.caller,$context.identity.user,$context.requestTime,$context.httpMethod,$context.resourcePath,$context.protocol,$context.status,$context.responseLength,$context.requestId,$context.extendedRequestId`
)

// The access log formats the API Gateway console offers for HTTP APIs, as
// the developer guide lists them ("Configure logging for HTTP APIs in API
// Gateway",
// https://docs.aws.amazon.com/apigateway/latest/developerguide/http-api-logging.html),
// byte for byte.
const (
	HTTPAccessLogCLF  = `$context.identity.sourceIp - - [$context.requestTime] "$context.httpMethod $context.routeKey $context.protocol" $context.status $context.responseLength $context.requestId $context.extendedRequestId`
	HTTPAccessLogJSON = `{ "requestId":"$context.requestId", "ip": "$context.identity.sourceIp", "requestTime":"$context.requestTime", "httpMethod":"$context.httpMethod","routeKey":"$context.routeKey", "status":"$context.status","protocol":"$context.protocol", "responseLength":"$context.responseLength", "extendedRequestId": "$context.extendedRequestId" }`
	HTTPAccessLogXML  = `<request id="$context.requestId"> <ip>$context.identity.sourceIp</ip> <requestTime>$context.requestTime</requestTime> <httpMethod>$context.httpMethod</httpMethod> <routeKey>$context.routeKey</routeKey> <status>$context.status</status> <protocol>$context.protocol</protocol> <responseLength>$context.responseLength</responseLength> <extendedRequestId>$context.extendedRequestId</extendedRequestId> </request>`
	HTTPAccessLogCSV  = `$context.identity.sourceIp,$context.requestTime,$context.httpMethod,$context.routeKey,$context.protocol,$context.status,$context.responseLength,$context.requestId,$context.extendedRequestId`
)

// accessRecord is what an access line can say about one request: the
// $context values the gateway knows, recorded as the request goes
// through it. A zero field is absent and renders as "-".
type accessRecord struct {
	// Known when the request arrives.
	RequestID         string
	ExtendedRequestID string    // REST; HTTP APIs log RequestID for it
	Start             time.Time // requestTime, requestTimeEpoch; start of responseLatency
	SourceIP          string
	UserAgent         string
	Protocol          string // "HTTP/1.1"
	DomainName        string // domainPrefix is its first label
	APIID             string
	AccountID         string

	// Known once the stage is selected and the route matched.
	Stage        string
	Path         string // $context.path: REST /STAGE/path as sent; HTTP APIs the event's path
	Method       string // httpMethod: the method routed on
	ResourcePath string // REST
	ResourceID   string // REST
	RouteKey     string // HTTP APIs

	// Known when the integration ran.
	IntegrationStart  time.Time // zero: no integration ran
	IntegrationEnd    time.Time // zero: it had not answered when the response went (timeout)
	InvokeStatus      int       // Lambda's status for the Invoke call: 200 when the function ran
	IntegrationStatus int       // the integration's status: a proxy function's statusCode
	IntegrationError  string    // integration.error, integrationErrorMessage
	LambdaRequestID   string    // awsEndpointRequestId, integration.requestId

	// Known when the gateway answers itself.
	ErrorMessage      string // the message of its {"message":...} body
	ErrorResponseType string // the gateway response type: MISSING_AUTHENTICATION_TOKEN, ...

	// Known when the response is written.
	Status         int
	ResponseLength int64
	End            time.Time // responseLatency

	XRayTraceID string // REST stages with active tracing: the trace's Root

	// IAM identities; authorizers are not emulated yet.
	Caller, User string
}

// accessVar is what a $context reference renders.
type accessVar uint8

const (
	avDash accessVar = iota // a variable the gateway knows but does not emulate
	avAccountID
	avAPIID
	avAWSEndpointRequestID
	avDomainName
	avDomainPrefix
	avErrorMessage
	avErrorMessageString
	avErrorResponseType
	avExtendedRequestID
	avHTTPMethod
	avCaller
	avUser
	avSourceIP
	avUserAgent
	avIntegrationError
	avInvokeStatus
	avIntegrationLatency
	avIntegrationStatus
	avPath
	avProtocol
	avRequestID
	avRequestTime
	avRequestTimeEpoch
	avResourceID
	avResourcePath
	avResponseLatency
	avResponseLength
	avRouteKey
	avStage
	avStatus
	avXRayTraceID
)

// The API kinds a variable belongs to.
const (
	accessREST uint8 = 1 << iota
	accessHTTP
	accessBoth = accessREST | accessHTTP
)

type accessVarSpec struct {
	v     accessVar
	kinds uint8
}

// accessVars returns the variables of the access log variable tables of
// the REST API and HTTP API developer guides
// (docs/evidence/observability.md#access-log-variables). It is built on
// first use, so that programs that never configure an access log pay
// nothing at startup.
func accessVars() map[string]accessVarSpec {
	accessVarsOnce.Do(initAccessVars)
	return accessVarTable
}

var (
	accessVarsOnce sync.Once
	accessVarTable map[string]accessVarSpec
	accessVarMax   int // the length of the longest name
)

func initAccessVars() {
	accessVarTable = map[string]accessVarSpec{
		"accountId":                              {avAccountID, accessBoth},
		"apiId":                                  {avAPIID, accessBoth},
		"authorize.error":                        {avDash, accessREST},
		"authorize.latency":                      {avDash, accessREST},
		"authorize.status":                       {avDash, accessREST},
		"authenticate.error":                     {avDash, accessREST},
		"authenticate.latency":                   {avDash, accessREST},
		"authenticate.status":                    {avDash, accessREST},
		"awsEndpointRequestId":                   {avAWSEndpointRequestID, accessBoth},
		"awsEndpointRequestId2":                  {avDash, accessBoth},
		"customDomain.basePathMatched":           {avDash, accessBoth},
		"customDomain.routingRuleIdMatched":      {avDash, accessREST},
		"dataProcessed":                          {avDash, accessHTTP},
		"domainName":                             {avDomainName, accessBoth},
		"domainPrefix":                           {avDomainPrefix, accessBoth},
		"error.message":                          {avErrorMessage, accessBoth},
		"error.messageString":                    {avErrorMessageString, accessBoth},
		"error.responseType":                     {avErrorResponseType, accessBoth},
		"error.validationErrorString":            {avDash, accessREST},
		"extendedRequestId":                      {avExtendedRequestID, accessBoth},
		"httpMethod":                             {avHTTPMethod, accessBoth},
		"identity.accountId":                     {avDash, accessBoth},
		"identity.apiKey":                        {avDash, accessREST},
		"identity.apiKeyId":                      {avDash, accessREST},
		"identity.caller":                        {avCaller, accessBoth},
		"identity.clientCert.clientCertPem":      {avDash, accessBoth},
		"identity.clientCert.issuerDN":           {avDash, accessBoth},
		"identity.clientCert.serialNumber":       {avDash, accessBoth},
		"identity.clientCert.subjectDN":          {avDash, accessBoth},
		"identity.clientCert.validity.notAfter":  {avDash, accessBoth},
		"identity.clientCert.validity.notBefore": {avDash, accessBoth},
		"identity.cognitoAuthenticationProvider": {avDash, accessBoth},
		"identity.cognitoAuthenticationType":     {avDash, accessBoth},
		"identity.cognitoIdentityId":             {avDash, accessBoth},
		"identity.cognitoIdentityPoolId":         {avDash, accessBoth},
		"identity.principalOrgId":                {avDash, accessBoth},
		"identity.sourceIp":                      {avSourceIP, accessBoth},
		"identity.user":                          {avUser, accessBoth},
		"identity.userAgent":                     {avUserAgent, accessBoth},
		"identity.userArn":                       {avDash, accessBoth},
		"integration.error":                      {avIntegrationError, accessBoth},
		"integration.integrationStatus":          {avInvokeStatus, accessBoth},
		"integration.latency":                    {avIntegrationLatency, accessBoth},
		"integration.requestId":                  {avAWSEndpointRequestID, accessBoth},
		"integration.status":                     {avIntegrationStatus, accessBoth},
		"integrationErrorMessage":                {avIntegrationError, accessBoth},
		"integrationLatency":                     {avIntegrationLatency, accessBoth},
		"integrationStatus":                      {avInvokeStatus, accessBoth},
		"isCanaryRequest":                        {avDash, accessREST},
		"path":                                   {avPath, accessBoth},
		"protocol":                               {avProtocol, accessBoth},
		"requestId":                              {avRequestID, accessBoth},
		"requestTime":                            {avRequestTime, accessBoth},
		"requestTimeEpoch":                       {avRequestTimeEpoch, accessBoth},
		"resourceId":                             {avResourceID, accessREST},
		"resourcePath":                           {avResourcePath, accessREST},
		"responseLatency":                        {avResponseLatency, accessBoth},
		"responseLength":                         {avResponseLength, accessBoth},
		"responseOverride.status":                {avDash, accessREST},
		"routeKey":                               {avRouteKey, accessHTTP},
		"stage":                                  {avStage, accessBoth},
		"status":                                 {avStatus, accessBoth},
		"waf.error":                              {avDash, accessREST},
		"waf.latency":                            {avDash, accessREST},
		"waf.status":                             {avDash, accessREST},
		"wafResponseCode":                        {avDash, accessREST},
		"webaclArn":                              {avDash, accessREST},
		"xrayTraceId":                            {avXRayTraceID, accessREST},
	}
	for name := range accessVarTable {
		accessVarMax = max(accessVarMax, len(name))
	}
}

// maxAccessVarLen returns the length of the longest name in accessVars.
func maxAccessVarLen() int {
	accessVarsOnce.Do(initAccessVars)
	return accessVarMax
}

// accessVarFamilies are the variables that take a name of their own after
// a prefix: an authorizer's context keys and claims, and REST mapping
// template overrides. None is emulated yet; all render as "-".
var accessVarFamilies = []struct {
	prefix string
	kinds  uint8
}{
	{"authorizer.", accessBoth},
	{"requestOverride.header.", accessREST},
	{"requestOverride.path.", accessREST},
	{"requestOverride.querystring.", accessREST},
	{"responseOverride.header.", accessREST},
}

// accessSegment is literal text followed by a variable; the last segment
// of a format may have no variable.
type accessSegment struct {
	text string
	v    accessVar
	end  bool // text only: the end of the format
}

// accessFormat is a checked access log format for one kind of API.
type accessFormat struct {
	kind     event.Source
	segments []accessSegment
}

// accessLogger writes a stage's access lines. It is safe for concurrent
// use.
type accessLogger struct {
	format *accessFormat
	mu     *sync.Mutex // serializes writes to w, with any logger sharing it
	w      io.Writer
}

// accessBufPool holds line buffers; a line needs no other allocation.
var accessBufPool = sync.Pool{New: func() any { b := make([]byte, 0, 1024); return &b }}

// newAccessLogger checks l for an API of kind and returns its logger:
// nil, and no error, when l is off. Loggers given the same mu serialize
// their writes together, so that stages may share a Writer that is not
// safe for concurrent use; nil means a mutex of the logger's own.
func newAccessLogger(kind event.Source, l AccessLog, mu *sync.Mutex) (*accessLogger, error) {
	if l.Format == "" {
		if l.Writer != nil {
			return nil, errors.New("gateway: access log with a Writer but no Format (the console's examples are gateway.RESTAccessLogCLF and the like)")
		}
		return nil, nil
	}
	f, err := parseAccessFormat(kind, l.Format)
	if err != nil {
		return nil, err
	}
	w := l.Writer
	if w == nil {
		w = os.Stderr
	}
	if mu == nil {
		mu = new(sync.Mutex)
	}
	return &accessLogger{format: f, mu: mu, w: w}, nil
}

// log renders r and writes it as one line, with one Write call. As with
// package log, a failed write is not reported: the request it describes
// has been answered.
func (l *accessLogger) log(r *accessRecord) {
	bp := accessBufPool.Get().(*[]byte)
	b := l.format.appendLine((*bp)[:0], r)
	if len(b) == 0 || b[len(b)-1] != '\n' {
		b = append(b, '\n')
	}
	l.mu.Lock()
	l.w.Write(b)
	l.mu.Unlock()
	if cap(b) <= 64<<10 {
		*bp = b[:0]
		accessBufPool.Put(bp)
	}
}

const accessContextPrefix = "$context"

// parseAccessFormat checks format for an API of kind, reporting every
// problem, and splits it into segments.
func parseAccessFormat(kind event.Source, format string) (*accessFormat, error) {
	if kind != event.REST && kind != event.HTTPAPI {
		return nil, fmt.Errorf("gateway: access logs in API Gateway's format are for REST and HTTP APIs, not %v", kind)
	}
	f := &accessFormat{kind: kind}
	var errs []error
	bad := func(off int, msg string, args ...any) {
		errs = append(errs, fmt.Errorf("gateway: access log format: at offset %d: "+msg, append([]any{off}, args...)...))
	}
	if i := strings.IndexAny(strings.TrimSuffix(format, "\n"), "\r\n"); i >= 0 {
		bad(i, "a line break (the format must be a single line; a newline is allowed only at the end)")
	}
	hasID := false
	start := 0 // start of the pending literal text
	for i := 0; i < len(format); {
		j := strings.IndexByte(format[i:], '$')
		if j < 0 {
			break
		}
		i += j
		rest := format[i+1:]
		switch {
		case strings.HasPrefix(rest, "input.") || strings.HasPrefix(rest, "stageVariables.") || strings.HasPrefix(rest, "util."):
			name, _, _ := strings.Cut(rest, ".")
			bad(i, "$%s: only $context variables are supported in access logs", name)
			i++
			continue
		case !strings.HasPrefix(format[i:], accessContextPrefix):
			i++ // a literal '$'
			continue
		}
		after := format[i+len(accessContextPrefix):]
		if after != "" && isAccessNameByte(after[0]) {
			i++ // "$contextual": text, not a reference
			continue
		}
		run := ""
		if strings.HasPrefix(after, ".") {
			run = accessNameRun(after[1:])
		}
		if run == "" {
			bad(i, "%q without a variable name", accessContextPrefix)
			i += len(accessContextPrefix)
			continue
		}
		name, spec, ok := lookupAccessVar(run)
		if !ok {
			bad(i, "unknown variable %q", accessContextPrefix+"."+run)
			i += len(accessContextPrefix) + 1 + len(run)
			continue
		}
		if kind == event.HTTPAPI && spec.kinds&accessHTTP == 0 {
			bad(i, "variable %q is a REST API variable; HTTP APIs do not support it", accessContextPrefix+"."+name)
		}
		if name == "requestId" || name == "extendedRequestId" {
			hasID = true
		}
		f.segments = append(f.segments, accessSegment{text: format[start:i], v: accessRenderedAs(kind, spec)})
		i += len(accessContextPrefix) + 1 + len(name)
		start = i
	}
	f.segments = append(f.segments, accessSegment{text: format[start:], end: true})
	if !hasID {
		errs = append(errs, fmt.Errorf("gateway: access log format %q must include $context.requestId or $context.extendedRequestId", format))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return f, nil
}

// accessRenderedAs returns what a variable renders for an API of kind. A REST
// API accepts the HTTP API variables its own table lacks and logs "-" for
// them (docs/evidence/observability.md#unknown-variables).
func accessRenderedAs(kind event.Source, spec accessVarSpec) accessVar {
	if kind == event.REST && spec.kinds&accessREST == 0 {
		return avDash
	}
	return spec.v
}

// isAccessNameByte reports whether c may appear in a part of a variable name.
func isAccessNameByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-'
}

// accessNameRun returns the longest dotted name at the start of s: parts of
// name bytes joined by single dots, without a trailing dot.
func accessNameRun(s string) string {
	end := 0
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && isAccessNameByte(s[j]) {
			j++
		}
		if j == i {
			break
		}
		end = j
		if j+1 < len(s) && s[j] == '.' && isAccessNameByte(s[j+1]) {
			i = j + 1
			continue
		}
		break
	}
	return s[:end]
}

// lookupAccessVar finds the variable a name run refers to: the whole run
// when it is a variable or falls in a family, otherwise its longest prefix
// that is a variable and ends before a '.' or '-' of the run. It returns
// the name used.
func lookupAccessVar(run string) (string, accessVarSpec, bool) {
	if spec, ok := accessVars()[run]; ok {
		return run, spec, true
	}
	for _, fam := range accessVarFamilies {
		if len(run) > len(fam.prefix) && strings.HasPrefix(run, fam.prefix) {
			return run, accessVarSpec{avDash, fam.kinds}, true
		}
	}
	name, spec, _ := longestAccessVarPrefix(run)
	return name, spec, name != ""
}

// longestAccessVarPrefix returns the longest prefix of run that is a variable
// and ends before a '.' or '-' of run, and the number of names it looked
// up. Only prefixes as long as a variable name can be are tried, so the
// lookups are bounded whatever the length of run.
func longestAccessVarPrefix(run string) (string, accessVarSpec, int) {
	lookups := 0
	for i := min(len(run)-1, maxAccessVarLen()); i > 0; i-- {
		if run[i] != '.' && run[i] != '-' {
			continue
		}
		lookups++
		if spec, ok := accessVars()[run[:i]]; ok {
			return run[:i], spec, lookups
		}
	}
	return "", accessVarSpec{}, lookups
}

// appendLine appends the line of r to b. It allocates nothing when b has
// room.
func (f *accessFormat) appendLine(b []byte, r *accessRecord) []byte {
	for i := range f.segments {
		s := &f.segments[i]
		b = append(b, s.text...)
		if !s.end {
			b = f.appendVar(b, s.v, r)
		}
	}
	return b
}

func (f *accessFormat) appendVar(b []byte, v accessVar, r *accessRecord) []byte {
	switch v {
	case avAccountID:
		return appendAccessString(b, r.AccountID)
	case avAPIID:
		return appendAccessString(b, r.APIID)
	case avAWSEndpointRequestID:
		return appendAccessString(b, r.LambdaRequestID)
	case avDomainName:
		return appendAccessString(b, r.DomainName)
	case avDomainPrefix:
		prefix, _, _ := strings.Cut(r.DomainName, ".")
		return appendAccessString(b, prefix)
	case avErrorMessage:
		return appendAccessString(b, r.ErrorMessage)
	case avErrorMessageString:
		if r.ErrorMessage == "" {
			return append(b, '-')
		}
		b = append(b, '"')
		b = appendAccessEscaped(b, r.ErrorMessage)
		return append(b, '"')
	case avErrorResponseType:
		return appendAccessString(b, r.ErrorResponseType)
	case avExtendedRequestID:
		if f.kind == event.HTTPAPI {
			return appendAccessString(b, r.RequestID)
		}
		return appendAccessString(b, r.ExtendedRequestID)
	case avHTTPMethod:
		return appendAccessString(b, r.Method)
	case avCaller:
		return appendAccessString(b, r.Caller)
	case avUser:
		return appendAccessString(b, r.User)
	case avSourceIP:
		return appendAccessString(b, r.SourceIP)
	case avUserAgent:
		return appendAccessString(b, r.UserAgent)
	case avIntegrationError:
		return appendAccessString(b, r.IntegrationError)
	case avInvokeStatus:
		return appendAccessStatus(b, r.InvokeStatus)
	case avIntegrationLatency:
		if r.IntegrationStart.IsZero() {
			return append(b, '-')
		}
		end := r.IntegrationEnd
		if end.IsZero() {
			end = r.End
		}
		return appendAccessMillis(b, r.IntegrationStart, end)
	case avIntegrationStatus:
		return appendAccessStatus(b, r.IntegrationStatus)
	case avPath:
		return appendAccessString(b, r.Path)
	case avProtocol:
		return appendAccessString(b, r.Protocol)
	case avRequestID:
		return appendAccessString(b, r.RequestID)
	case avRequestTime:
		if r.Start.IsZero() {
			return append(b, '-')
		}
		// CLF, in UTC, as the events' requestTime.
		return r.Start.UTC().AppendFormat(b, event.RequestTimeLayout)
	case avRequestTimeEpoch:
		if r.Start.IsZero() {
			return append(b, '-')
		}
		if f.kind == event.HTTPAPI {
			return strconv.AppendInt(b, r.Start.Unix(), 10)
		}
		return strconv.AppendInt(b, r.Start.UnixMilli(), 10)
	case avResourceID:
		return appendAccessString(b, r.ResourceID)
	case avResourcePath:
		return appendAccessString(b, r.ResourcePath)
	case avResponseLatency:
		if r.Start.IsZero() || r.End.IsZero() {
			return append(b, '-')
		}
		return appendAccessMillis(b, r.Start, r.End)
	case avResponseLength:
		if r.Status == 0 {
			return append(b, '-')
		}
		return strconv.AppendInt(b, r.ResponseLength, 10)
	case avRouteKey:
		return appendAccessString(b, r.RouteKey)
	case avStage:
		return appendAccessString(b, r.Stage)
	case avStatus:
		return appendAccessStatus(b, r.Status)
	case avXRayTraceID:
		return appendAccessString(b, r.XRayTraceID)
	}
	return append(b, '-')
}

// appendAccessString appends s as an access log value: "-" when empty,
// escaped otherwise.
func appendAccessString(b []byte, s string) []byte {
	if s == "" {
		return append(b, '-')
	}
	return appendAccessEscaped(b, s)
}

func appendAccessStatus(b []byte, status int) []byte {
	if status == 0 {
		return append(b, '-')
	}
	return strconv.AppendInt(b, int64(status), 10)
}

// appendAccessMillis appends the whole milliseconds from start to end, 0 if end
// is before start.
func appendAccessMillis(b []byte, start, end time.Time) []byte {
	return strconv.AppendInt(b, max(end.Sub(start).Milliseconds(), 0), 10)
}

// appendAccessEscaped appends s with '"' and '\' escaped by a backslash and
// ASCII control characters as JSON escapes, as API Gateway escapes access
// log values (docs/evidence/observability.md#escaping). Other bytes,
// including non-ASCII and invalid UTF-8, pass unchanged: this is not
// internal/jsonx's encoding, which also escapes <, > and & and replaces
// invalid UTF-8, changing what the client sent.
func appendAccessEscaped(b []byte, s string) []byte {
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' && c != 0x7f {
			continue
		}
		b = append(b, s[start:i]...)
		switch c {
		case '"', '\\':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		case '\t':
			b = append(b, '\\', 't')
		default:
			b = append(b, '\\', 'u', '0', '0', accessHexDigits[c>>4], accessHexDigits[c&0xf])
		}
		start = i + 1
	}
	return append(b, s[start:]...)
}

const accessHexDigits = "0123456789abcdef"
