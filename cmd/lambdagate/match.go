package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
	"github.com/lambdagate/lambdagate/route"
)

func init() {
	commands["match"] = command{summary: "show which route takes a request", run: runMatch}
}

const matchUsage = `usage: lambdagate match [flags] METHOD PATH

Match prints which route of an API takes a request, choosing the stage and
the route as the local API Gateway does, as one JSON line:

	{"route":"GET /pets/{id}","pathParameters":{"id":"1"}}

or, when no route takes it, the response the gateway sends:

	{"status":404,"body":{"message":"Not Found"}}

PATH is the path the client sends, percent-encoded, with the stage if the
API has a named stage; a query string is ignored. HTTP APIs decode the
path before routing (an invalid escape is a 400); REST APIs route on it
as sent. Invalid or conflicting routes exit with status 2.

Example:

	lambdagate match --route 'GET /pets/{id}' --route '$default' GET /pets/1

Flags:
`

func runMatch(args []string, _ io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("match", flag.ContinueOnError)
	fs.SetOutput(stderr)
	source := fs.String("source", "http", "the kind of API: http or rest")
	stage := fs.String("stage", "", "the stage `name`: PATH begins with /NAME (empty or $default: no prefix)")
	basePath := fs.String("base-path", "", "the base `path` of a custom domain's API mapping to the stage, such as /v1: PATH begins with it instead of the stage")
	trailing := fs.Bool("ignore-trailing-slash", false, "HTTP APIs: match /pets/ as /pets (unverified AWS behaviour)")
	var routes, headers multiFlag
	fs.Var(&routes, "route", "a route `key`, such as 'GET /pets/{id}', 'ANY /{proxy+}' or '$default' (repeatable)")
	fs.Var(&headers, "header", "a request header, `'Name: value'` (repeatable; REST APIs honour X-HTTP-Method-Override)")
	fs.Usage = func() {
		fmt.Fprint(stderr, matchUsage)
		fs.PrintDefaults()
	}
	args, code, ok := parseArgs(fs, args, -1)
	if !ok {
		return code
	}
	if len(args) != 2 {
		fmt.Fprintf(stderr, "lambdagate match: want METHOD and PATH, got %d arguments\n", len(args))
		fs.Usage()
		return 2
	}
	method, target := args[0], args[1]
	kind, _, ok := event.ParseSource(*source)
	if !ok || kind != event.HTTPAPI && kind != event.REST {
		fmt.Fprintf(stderr, "lambdagate match: unknown source %q (want http or rest)\n", *source)
		return 2
	}
	hr, err := http.NewRequest(method, "http://localhost/", nil)
	if err != nil {
		fmt.Fprintf(stderr, "lambdagate match: %v\n", err)
		return 2
	}
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(name) == "" {
			fmt.Fprintf(stderr, "lambdagate match: bad header %q (want 'Name: value')\n", h)
			return 2
		}
		hr.Header.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	if err := checkRoutes(kind, routes); err != nil {
		fmt.Fprintf(stderr, "lambdagate match: %v\n", err)
		return 2
	}
	api := gateway.API{Kind: kind, IgnoreTrailingSlash: *trailing}
	for _, key := range routes {
		api.Routes = append(api.Routes, gateway.Route{Key: key, Integration: gateway.Direct{Handler: unused}})
	}
	if *stage != "" {
		api.Stages = []gateway.Stage{{Name: *stage}}
	}
	g, err := gateway.New(api)
	if err != nil {
		fmt.Fprintf(stderr, "lambdagate match: %v\n", err)
		return 2
	}

	path, _, _ := strings.Cut(target, "?")
	path, _, _ = strings.Cut(path, "#")
	if !strings.HasPrefix(path, "/") {
		fmt.Fprintf(stderr, "lambdagate match: path %q must begin with \"/\"\n", target)
		return 2
	}
	if bp := strings.TrimRight(*basePath, "/"); bp != "" {
		// A custom domain maps the base path to the stage: the request
		// reaches the API as if sent under the stage.
		if rest, ok := strings.CutPrefix(path, bp); ok && (rest == "" || rest[0] == '/') {
			path = g.BaseURL() + rest
			if path == "" {
				path = "/"
			}
		}
	}
	if *stage == "" && *basePath == "" {
		// Without a named stage, PATH is the path after the API's
		// default one (prod, for a REST API).
		path = g.BaseURL() + path
	}
	hr.URL.RawPath = path
	if hr.URL.Path, err = pathUnescape(path); err != nil {
		hr.URL.Path = path
	}
	m, res := g.Match(hr)
	out, err := matchJSON(m, res)
	if err != nil {
		fmt.Fprintf(stderr, "lambdagate match: %v\n", err)
		return 1
	}
	stdout.Write(out)
	return 0
}

// unused stands for the integrations of match's routes: Match never
// calls them.
var unused = handler.Func(func(context.Context, *event.Request) (*response.Response, error) {
	return response.NoContent(), nil
})

// checkRoutes registers the routes in a router of their own, to report a
// malformed key or a conflict by the flag that gave it: "--route 2".
func checkRoutes(kind event.Source, keys []string) error {
	flagOf := map[string]int{} // canonical key → flag number
	r := route.New(route.Config{Source: kind})
	for i, key := range keys {
		err := r.Register(key, unused)
		var ce *route.ConflictError
		switch {
		case errors.As(err, &ce):
			return fmt.Errorf("%q (registered at --route %d) conflicts with %q (registered at --route %d): %s",
				ce.Route, i+1, ce.Existing, flagOf[ce.Existing], ce.Reason)
		case err != nil:
			return fmt.Errorf("--route %d: %w", i+1, err)
		}
		for _, rt := range r.Routes() {
			if _, ok := flagOf[rt.Key]; !ok {
				flagOf[rt.Key] = i + 1
			}
		}
	}
	return nil
}

// pathUnescape decodes an escaped path as net/http decodes a request's.
func pathUnescape(p string) (string, error) {
	u, err := http.NewRequest(http.MethodGet, "http://localhost"+p, nil)
	if err != nil {
		return "", err
	}
	return u.URL.Path, nil
}

// matchJSON writes the answer line: the route and its parameters in route
// order, or the status, body and gateway headers of the response.
func matchJSON(m gateway.Match, res *response.Response) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	str := func(s string) {
		enc.Encode(s)
		b.Truncate(b.Len() - 1) // Encode's newline
	}
	if res == nil {
		b.WriteString(`{"route":`)
		str(m.RouteKey)
		b.WriteString(`,"pathParameters":`)
		if len(m.PathParameters) == 0 {
			b.WriteString("null")
		} else {
			b.WriteByte('{')
			for i, f := range m.PathParameters {
				if i > 0 {
					b.WriteByte(',')
				}
				str(f.Name)
				b.WriteByte(':')
				str(f.Value)
			}
			b.WriteByte('}')
		}
		b.WriteString("}\n")
		return b.Bytes(), nil
	}
	if !json.Valid(res.Body) {
		return nil, fmt.Errorf("gateway response body %q is not JSON", res.Body)
	}
	fmt.Fprintf(&b, `{"status":%d,"body":`, res.Status())
	if err := json.Compact(&b, res.Body); err != nil {
		return nil, err
	}
	first := true
	for _, f := range res.Header {
		if strings.EqualFold(f.Name, "Content-Type") {
			continue
		}
		if first {
			b.WriteString(`,"headers":{`)
			first = false
		} else {
			b.WriteByte(',')
		}
		str(f.Name)
		b.WriteByte(':')
		str(f.Value)
	}
	if !first {
		b.WriteByte('}')
	}
	b.WriteString("}\n")
	return b.Bytes(), nil
}
