package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/response"
	"github.com/lambdagate/lambdagate/route"
)

func init() {
	commands["match"] = command{summary: "show which route takes a request", run: runMatch}
}

const matchUsage = `usage: lambdagate match [flags] METHOD PATH

Match prints which route of an API takes a request, routing as API Gateway
does, as one JSON line:

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
	api := fs.String("api", "http", "the kind of API: http or rest")
	stage := fs.String("stage", "", "the stage `name`: PATH begins with /NAME (empty or $default: no prefix)")
	basePath := fs.String("base-path", "", "the base `path` of a custom domain API mapping, such as /v1")
	trailing := fs.Bool("ignore-trailing-slash", false, "HTTP APIs: match /pets/ as /pets (unverified AWS behaviour)")
	var routes, headers multiFlag
	fs.Var(&routes, "route", "a route `key`, such as 'GET /pets/{id}', 'ANY /{proxy+}' or '$default' (repeatable)")
	fs.Var(&headers, "header", "a request header, `'Name: value'` (repeatable; REST APIs honour X-HTTP-Method-Override)")
	fs.Usage = func() {
		fmt.Fprint(stderr, matchUsage)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if fs.NArg() != 2 {
		fmt.Fprintf(stderr, "lambdagate match: want METHOD and PATH, got %d arguments\n", fs.NArg())
		fs.Usage()
		return 2
	}
	method, target := fs.Arg(0), fs.Arg(1)

	cfg := route.Config{BasePath: *basePath, IgnoreTrailingSlash: *trailing}
	src := event.HTTPAPI
	switch *api {
	case "http":
	case "rest":
		cfg.API, src = route.REST, event.REST
	default:
		fmt.Fprintf(stderr, "lambdagate match: unknown API %q (want http or rest)\n", *api)
		return 2
	}
	var hdr event.Header
	for _, h := range headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(name) == "" {
			fmt.Fprintf(stderr, "lambdagate match: bad header %q (want 'Name: value')\n", h)
			return 2
		}
		hdr.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}

	// Each route's handler reports where it was registered; the route
	// table gives the key in API Gateway's spelling ({id}, not <id>).
	var matched string
	r := route.New(cfg)
	for i, key := range routes {
		at := fmt.Sprintf("--route %d", i+1)
		h := lambdagate.HandlerFunc(func(context.Context, *event.Request) (*response.Response, error) {
			matched = at
			return response.NoContent(), nil
		})
		if err := r.RegisterAt(at, key, h); err != nil {
			fmt.Fprintf(stderr, "lambdagate match: %v\n", err)
			return 2
		}
	}
	canonical := make(map[string]string)
	for _, rt := range r.Routes() {
		canonical[rt.At] = rt.Key
	}

	path, _, _ := strings.Cut(target, "?")
	path, _, _ = strings.Cut(path, "#")
	if !strings.HasPrefix(path, "/") {
		fmt.Fprintf(stderr, "lambdagate match: path %q must begin with \"/\"\n", target)
		return 2
	}
	var res *response.Response
	if s := *stage; s != "" && s != "$default" {
		// Stage selection comes before route selection: a path outside
		// the stage reaches no route.
		if path == "/"+s || strings.HasPrefix(path, "/"+s+"/") {
			path = path[1+len(s):]
		} else {
			res = noStage(cfg.API)
		}
	}
	if res == nil && cfg.API == route.HTTP {
		p, err := route.DecodeHTTPPath(path)
		if err != nil {
			res = response.Error(400, "Bad Request")
		}
		path = p
	}
	req := &event.Request{Source: src, Method: method, Path: path, Header: hdr, Stage: *stage}
	if res == nil {
		var err error
		if res, err = r.Serve(context.Background(), req); err != nil {
			fmt.Fprintf(stderr, "lambdagate match: %v\n", err)
			return 1
		}
	}
	out, err := matchJSON(canonical[matched], req.PathParameters, res)
	if err != nil {
		fmt.Fprintf(stderr, "lambdagate match: %v\n", err)
		return 1
	}
	stdout.Write(out)
	return 0
}

// noStage is the gateway's answer when the path names no stage: HTTP APIs
// answer 404 Not Found; for REST APIs, 403 Missing Authentication Token
// is assumed (unverified).
func noStage(api route.API) *response.Response {
	if api == route.REST {
		res := response.Error(403, "Missing Authentication Token")
		res.Header.Add("x-amzn-ErrorType", "MissingAuthenticationTokenException")
		return res
	}
	return response.Error(404, "Not Found")
}

// matchJSON writes the answer line: the route and its parameters in route
// order, or the status, body and gateway headers of the response.
func matchJSON(key string, ps event.Params, res *response.Response) ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	str := func(s string) {
		enc.Encode(s)
		b.Truncate(b.Len() - 1) // Encode's newline
	}
	if key != "" {
		b.WriteString(`{"route":`)
		str(key)
		b.WriteString(`,"pathParameters":`)
		if len(ps) == 0 {
			b.WriteString("null")
		} else {
			b.WriteByte('{')
			for i, f := range ps {
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
