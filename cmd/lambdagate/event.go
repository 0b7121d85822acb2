package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/lambdagate/lambdagate/event"
)

func init() {
	commands["event"] = command{summary: "print the event a source sends for a request", run: runEvent}
}

func runEvent(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("event", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintln(stderr, `usage: lambdagate event [flags] URL

Prints the event the source would send a Lambda function for the request,
as a test fixture or for other tools' local invoke commands. URL is a path
(after the stage) with an optional query, or an absolute URL.

flags:`)
		fs.PrintDefaults()
	}
	source := fs.String("source", "http", "event source: rest, http, http1 (HTTP API payload 1.0), alb, alb-multivalue, url, ws")
	method := fs.String("X", "", "request method (default GET, or POST with a body)")
	var headers multiFlag
	fs.Var(&headers, "H", "request header `Name: value` (repeatable)")
	data := fs.String("d", "", "request body text (@file reads a file, @- standard input)")
	dataBinary := fs.String("data-binary", "", "request body bytes (@file reads a file, @- standard input)")
	stage := fs.String("stage", "", "stage name (default prod for REST and WebSocket, $default for HTTP APIs)")
	routeKey := fs.String("route", "", "matched route key (HTTP API, WebSocket) or resource (REST)")
	requestID := fs.String("request-id", "", "request id; fixes every generated id, for reproducible fixtures")
	at := fs.String("time", "", "request time, RFC 3339 (default now)")
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return 0
		}
		return 2
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	var b event.Builder
	switch *source {
	case "ws", "websocket":
		b.Source = event.WebSocket
	case "http1":
		b.Source, b.Version = event.HTTPAPI, "1.0"
	default:
		src, ok := event.ParseSource(*source)
		if !ok {
			fmt.Fprintf(stderr, "lambdagate event: unknown source %q\n", *source)
			return 2
		}
		b.Source = src
	}
	b.Stage, b.RequestID = *stage, *requestID
	if b.Source == event.REST {
		b.Resource = *routeKey
	} else {
		b.RouteKey = *routeKey
	}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			fmt.Fprintf(stderr, "lambdagate event: -time %q: %v\n", *at, err)
			return 2
		}
		b.Time = t
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
	var body []byte
	for _, d := range []string{*data, *dataBinary} {
		if d == "" {
			continue
		}
		var err error
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
	req, err := b.Build(m, fs.Arg(0), h, body)
	if err != nil {
		fmt.Fprintf(stderr, "lambdagate event: %v\n", err)
		return 1
	}
	out, _ := json.MarshalIndent(req, "", "  ")
	fmt.Fprintf(stdout, "%s\n", out)
	return 0
}
