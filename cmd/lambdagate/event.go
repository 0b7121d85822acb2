package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
)

func init() {
	commands["event"] = command{summary: "print the event a source sends for a request", run: runEvent}
}

const eventUsage = `usage: lambdagate event [flags] URL

Prints the event the source would send a Lambda function for the request,
as the local API Gateway builds it, for test fixtures or other tools'
local invoke commands. URL is a path (after the stage) with an optional
query, or an absolute URL, whose host is kept.

With --route, the event is the one the route's integration gets: its
route key, resource and path parameters; a route that does not take the
path is an error. A WebSocket --route of $connect or $disconnect makes a
CONNECT or DISCONNECT event.

With --authorizer-event token or request, the event is the one a Lambda
authorizer of the route gets (REST TOKEN or REQUEST; HTTP APIs send
REQUEST events, payload 2.0 for --source http and 1.0 for http1; a
WebSocket API's $connect authorizer gets the handshake as a REQUEST
event), with its identity sources (--identity-source, repeatable; default
the Authorization header).

Examples:

	lambdagate event --route 'GET /pets/{id}' /pets/7
	lambdagate event --source rest --authorizer-event token -H 'Authorization: Bearer abc' /pets/7

Flags:
`

func runEvent(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("event", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, eventUsage)
		fs.PrintDefaults()
	}
	source := fs.String("source", "http", "event source: "+event.SourceNames)
	method := fs.String("X", "", "request method (default GET, or POST with a body)")
	var headers, params, stageVars multiFlag
	fs.Var(&headers, "H", "request header `Name: value` (repeatable)")
	fs.Var(&params, "param", "path parameter `name=value`, added to or replacing the route's (repeatable)")
	fs.Var(&stageVars, "stage-var", "stage variable `name=value` (repeatable)")
	data := fs.String("d", "", "request body text (@file reads a file, @- standard input)")
	dataBinary := fs.String("data-binary", "", "request body bytes (@file reads a file, @- standard input)")
	stage := fs.String("stage", "", "stage name (default prod for REST and WebSocket, $default for HTTP APIs)")
	routeKey := fs.String("route", "", "the route that takes the request: a route key such as 'GET /pets/{id}' (HTTP and REST APIs; a REST resource alone means ANY), or a WebSocket route key")
	authorizer := fs.String("authorizer", "", "authorizer output as a JSON object, for requestContext.authorizer (HTTP APIs: {\"jwt\":...} or {\"lambda\":...}; REST: {\"principalId\":...})")
	requestID := fs.String("request-id", "", "request id; fixes every generated id, for reproducible fixtures")
	authEvent := fs.String("authorizer-event", "", "print the event a Lambda authorizer of the route gets instead: `token` (REST) or request")
	var identity multiFlag
	fs.Var(&identity, "identity-source", "an authorizer identity source, such as `method.request.header.Authorization` (REST) or $request.querystring.key (HTTP APIs) (repeatable)")
	at := fs.String("time", "", "request time, RFC 3339 (default now)")
	args, code, ok := parseArgs(fs, args, 1)
	if !ok {
		return code
	}
	kind, payload, ok := event.ParseSource(*source)
	if !ok {
		fmt.Fprintf(stderr, "lambdagate event: unknown source %q (want one of %s)\n", *source, event.SourceNames)
		return 2
	}
	when := time.Now()
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			fmt.Fprintf(stderr, "lambdagate event: -time %q: %v\n", *at, err)
			return 2
		}
		when = t
	}
	h := http.Header{}
	for _, hv := range headers {
		name, value, ok := strings.Cut(hv, ":")
		if !ok || strings.TrimSpace(name) == "" {
			fmt.Fprintf(stderr, "lambdagate event: header %q is not \"Name: value\"\n", hv)
			return 2
		}
		h.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	vars, err := pairs("stage-var", stageVars)
	if err != nil {
		fmt.Fprintf(stderr, "lambdagate event: %v\n", err)
		return 2
	}
	if _, err := pairs("param", params); err != nil {
		fmt.Fprintf(stderr, "lambdagate event: %v\n", err)
		return 2
	}
	var auth json.RawMessage
	if *authorizer != "" {
		var obj map[string]any
		if err := json.Unmarshal([]byte(*authorizer), &obj); err != nil {
			fmt.Fprintf(stderr, "lambdagate event: --authorizer is not a JSON object: %v\n", err)
			return 2
		}
		auth = json.RawMessage(*authorizer)
	}
	var body []byte
	for _, d := range []string{*data, *dataBinary} {
		if d == "" {
			continue
		}
		switch {
		case d == "@-":
			body, err = io.ReadAll(stdin)
		case strings.HasPrefix(d, "@"):
			body, err = os.ReadFile(d[1:])
		default:
			body = []byte(d)
		}
		if err != nil {
			fmt.Fprintf(stderr, "lambdagate event: %v\n", err)
			return 1
		}
	}
	m := *method
	if m == "" {
		m = http.MethodGet
		if len(body) > 0 {
			m = http.MethodPost
		}
	}
	if *data != "" && h.Get("Content-Type") == "" {
		h.Set("Content-Type", "application/x-www-form-urlencoded") // as curl -d does
	}

	if *authEvent != "" {
		a, err := authorizerEvent(authSpec{kind: kind, payload: payload, stage: *stage, vars: vars, routeKey: *routeKey,
			typ: *authEvent, sources: identity}, m, args[0], h, body, when, *requestID)
		if err != nil {
			fmt.Fprintf(stderr, "lambdagate event: %v\n", err)
			return 1
		}
		out, _ := a.MarshalJSON()
		var indented bytes.Buffer
		json.Indent(&indented, out, "", "  ")
		stdout.Write(unescapeHTML(indented.Bytes()))
		io.WriteString(stdout, "\n")
		return 0
	}
	var req *event.Request
	if kind == event.WebSocket {
		b := event.Builder{Source: kind, Stage: *stage, StageVariables: vars, RouteKey: *routeKey, RequestID: *requestID, Time: when, Authorizer: auth}
		switch *routeKey {
		case "$connect":
			b.EventType = "CONNECT"
		case "$disconnect":
			b.EventType = "DISCONNECT"
		}
		req, err = b.Build(m, args[0], h, body)
	} else {
		req, err = gatewayEvent(kind, payload, *stage, vars, *routeKey, m, args[0], h, body, when, *requestID)
	}
	if err != nil {
		fmt.Fprintf(stderr, "lambdagate event: %v\n", err)
		return 1
	}
	for _, p := range params {
		name, value, _ := strings.Cut(p, "=")
		req.PathParameters.Set(name, value)
	}
	if auth != nil {
		req.Authorizer.JSON = auth
	}
	out, err := req.MarshalJSON()
	if err != nil {
		fmt.Fprintf(stderr, "lambdagate event: %v\n", err)
		return 1
	}
	var indented bytes.Buffer
	json.Indent(&indented, out, "", "  ")
	stdout.Write(unescapeHTML(indented.Bytes()))
	io.WriteString(stdout, "\n")
	return 0
}

// gatewayEvent asks a gateway of the given kind, with the one route (or
// the catch-all routes), for the event it sends for the request.
func gatewayEvent(kind event.Source, payload event.PayloadVersion, stage string, vars map[string]string, routeKey, method, target string, h http.Header, body []byte, when time.Time, id string) (*event.Request, error) {
	in := gateway.Proxy{Function: unusedInvoker{}, PayloadVersion: payload}
	api := gateway.API{Kind: kind, Routes: gateway.CatchAll(kind, in)}
	if routeKey != "" {
		if strings.HasPrefix(routeKey, "/") {
			routeKey = "ANY " + routeKey // a REST resource
		}
		api.Routes = []gateway.Route{{Key: routeKey, Integration: in}}
	}
	if stage != "" || len(vars) > 0 {
		if stage == "" {
			stage = "prod"
			if kind == event.HTTPAPI {
				stage = "$default"
			}
		}
		api.Stages = []gateway.Stage{{Name: stage, Variables: vars}}
	}
	g, hr, err := localRequest(api, method, target, h, body)
	if err != nil {
		return nil, err
	}
	return g.EventAt(hr, when, id)
}

// localRequest builds the gateway of api and the request a client would
// send it for method and target (a path after the stage, or an absolute
// URL, whose host becomes the API's domain).
func localRequest(api gateway.API, method, target string, h http.Header, body []byte) (*gateway.Gateway, *http.Request, error) {
	hr, err := http.NewRequest(method, target, bytes.NewReader(body))
	if err != nil || !strings.HasPrefix(target, "/") && hr.URL.Host == "" {
		return nil, nil, fmt.Errorf("target %q is neither a path nor an absolute URL", target)
	}
	api.DomainName = hr.URL.Host // an absolute URL names the API's domain
	g, err := gateway.New(api)
	if err != nil {
		return nil, nil, err
	}
	hr.Header = h
	if hr.URL.Host == "" {
		hr.Host = "" // the source's own host
	}
	hr.RemoteAddr = ""
	if p := g.BaseURL(); p != "" {
		hr.URL.Path = p + hr.URL.Path
		if hr.URL.RawPath != "" {
			hr.URL.RawPath = p + hr.URL.RawPath
		}
	}
	return g, hr, nil
}

// unusedInvoker stands for the function of event's routes: the gateway
// only builds the event.
type unusedInvoker struct{}

func (unusedInvoker) Invoke(context.Context, []byte) ([]byte, error) { return nil, nil }

// pairs parses name=value flags into a map.
func pairs(flagName string, vs []string) (map[string]string, error) {
	if len(vs) == 0 {
		return nil, nil
	}
	m := make(map[string]string, len(vs))
	for _, v := range vs {
		name, value, ok := strings.Cut(v, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("--%s %q is not name=value", flagName, v)
		}
		m[name] = value
	}
	return m, nil
}

// unescapeHTML turns the \u0026, \u003c and \u003e escapes of JSON
// strings back into &, < and >, which need no escaping in JSON: the
// output is for people and fixtures, not for an HTML page.
func unescapeHTML(b []byte) []byte {
	out := make([]byte, 0, len(b))
	inString, escaped := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case escaped:
			escaped = false
			if c == 'u' && i+4 < len(b) {
				switch string(b[i+1 : i+5]) {
				case "0026":
					out = append(out[:len(out)-1], '&')
					i += 4
					continue
				case "003c":
					out = append(out[:len(out)-1], '<')
					i += 4
					continue
				case "003e":
					out = append(out[:len(out)-1], '>')
					i += 4
					continue
				}
			}
		case inString && c == '\\':
			escaped = true
		case c == '"':
			inString = !inString
		}
		out = append(out, c)
	}
	return out
}
