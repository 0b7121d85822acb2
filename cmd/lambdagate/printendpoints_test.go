package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
	"github.com/lambdagate/lambdagate/route"
	"github.com/lambdagate/lambdagate/sam"
)

// invokeLine matches the Invoke API line printEndpoints prints for a
// function, with the event command inside its payload.
var invokeLine = regexp.MustCompile(`^  aws lambda invoke --endpoint-url (\S+) --function-name (\S+) --cli-binary-format raw-in-base64-out --payload (?:'\{\}'|"\$\(lambdagate event (.*)\)") out\.json$`)

// shellWords splits s as a shell splits words with single quotes.
func shellWords(s string) []string {
	var words []string
	var w strings.Builder
	in, started := false, false
	for _, c := range s {
		switch {
		case c == '\'':
			in, started = !in, true
		case c == ' ' && !in:
			if started {
				words = append(words, w.String())
			}
			w.Reset()
			started = false
		default:
			w.WriteRune(c)
			started = true
		}
	}
	if started {
		words = append(words, w.String())
	}
	return words
}

// printedEvents returns, by function name, the event each invoke line of
// out gives as its payload ("" for '{}'), running "lambdagate event" in
// process as the shell would.
func printedEvents(t *testing.T, out string) map[string][]byte {
	t.Helper()
	events := map[string][]byte{}
	for line := range strings.Lines(out) {
		if !strings.Contains(line, "aws lambda invoke") {
			continue
		}
		m := invokeLine.FindStringSubmatch(strings.TrimSuffix(line, "\n"))
		if m == nil {
			t.Errorf("invoke line %q is not as printEndpoints prints it", line)
			continue
		}
		if m[3] == "" {
			events[m[2]] = nil
			continue
		}
		var stdout, stderr bytes.Buffer
		if code := run(append([]string{"event"}, shellWords(m[3])...), strings.NewReader(""), &stdout, &stderr); code != 0 {
			t.Errorf("%s: lambdagate event %s exited with %d: %s", m[2], m[3], code, stderr.String())
			continue
		}
		events[m[2]] = stdout.Bytes()
	}
	return events
}

// TestPrintEndpoints prints each example's endpoints as serve does and
// checks that each printed curl reaches the route it is printed under,
// and that each function's invoke payload is an event of one of its
// routes.
func TestPrintEndpoints(t *testing.T) {
	for _, name := range []string{"calc", "pets", "smartpath", "webapp", "authz", "chat"} {
		t.Run(name, func(t *testing.T) {
			var opts sam.Options
			if name == "authz" {
				opts.Parameters = map[string]string{"Issuer": "https://issuer.example"}
			}
			app, err := sam.Open("../../examples/"+name+"/template.yaml", opts)
			if err != nil {
				t.Fatal(err)
			}
			var eps []endpoint
			for i, api := range app.APIs {
				eps = append(eps, endpoint{name: api.Name, kind: kindName(api.API.Kind), url: fmt.Sprintf("http://127.0.0.1:%d", 3000+i)})
			}
			eps = append(eps, endpoint{name: "Lambda", kind: "Lambda Invoke API", url: fmt.Sprintf("http://127.0.0.1:%d", 3000+len(app.APIs))})
			var b strings.Builder
			printEndpoints(&b, app, eps)
			out := b.String()

			// Each curl line reaches the route key printed above it.
			type served struct {
				r      *route.Router
				staged bool // the printed URLs start with a stage
			}
			apis := map[string]served{}
			for i, api := range app.APIs {
				if api.API.Kind == event.WebSocket || api.API.Kind == event.FunctionURL {
					continue
				}
				r := route.New(route.Config{Source: api.API.Kind})
				for _, rt := range api.API.Routes {
					r.Handle(rt.Key, handler.Func(func(context.Context, *event.Request) (*response.Response, error) { return nil, nil }))
				}
				staged := api.API.Kind == event.REST || len(api.API.Stages) > 0 && api.API.Stages[0].Name != "$default"
				apis[eps[i].url] = served{r, staged}
			}
			curls, key := 0, ""
			for line := range strings.Lines(out) {
				line = strings.TrimSuffix(line, "\n")
				rest, ok := strings.CutPrefix(line, "    curl -i ")
				if !ok {
					if strings.HasPrefix(line, "  ") && !strings.HasPrefix(line, "   ") {
						key = strings.TrimPrefix(line, "  ")
					}
					continue
				}
				method := http.MethodGet
				if m, ok := strings.CutPrefix(rest, "-X "); ok {
					method, rest, _ = strings.Cut(m, " ")
				}
				u := strings.Trim(rest, "'")
				for base, api := range apis {
					path, ok := strings.CutPrefix(u, base)
					if !ok {
						continue
					}
					if api.staged {
						_, p, _ := strings.Cut(strings.TrimPrefix(path, "/"), "/")
						path = "/" + p
					}
					if got, ok := api.r.Lookup(method, path); !ok || got != key {
						t.Errorf("curl %s %s reaches %q, printed under %q", method, u, got, key)
					}
					curls++
				}
			}
			if len(apis) > 0 && curls == 0 {
				t.Errorf("no curl line checked in:\n%s", out)
			}

			// Each function's payload is an event of its API's source.
			events := printedEvents(t, out)
			for _, f := range app.Functions {
				doc, ok := events[f.Config.Name]
				if !ok {
					t.Errorf("no invoke line for %s in:\n%s", f.Config.Name, out)
					continue
				}
				if doc == nil {
					continue
				}
				if _, err := event.Decode(doc); err != nil {
					t.Errorf("%s: payload: %v\n%s", f.Config.Name, err, doc)
				}
			}
		})
	}
}
