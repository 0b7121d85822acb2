package nethttp_test

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/nethttp"
)

// awsSample returns aws-lambda-go's sample event name, from the module
// cache (AWS_LAMBDA_GO_TESTDATA overrides the directory), changed by
// edit when it is not nil.
func awsSample(t *testing.T, name string, edit func(m map[string]any)) []byte {
	t.Helper()
	dir := os.Getenv("AWS_LAMBDA_GO_TESTDATA")
	if dir == "" {
		out, err := exec.Command("go", "env", "GOMODCACHE").Output()
		if err != nil {
			t.Fatalf("go env GOMODCACHE: %v", err)
		}
		dir = filepath.Join(strings.TrimSpace(string(out)), "github.com", "aws", "aws-lambda-go@"+awsVersion(t), "events", "testdata")
	}
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatalf("aws-lambda-go sample event (run go mod download): %v", err)
	}
	if edit == nil {
		return b
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	edit(m)
	b, _ = json.Marshal(m)
	return b
}

// awsVersion reads aws-lambda-go's version from the main module's go.mod.
func awsVersion(t *testing.T) string {
	f, err := os.Open("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fs := strings.Fields(sc.Text()); len(fs) >= 2 && fs[0] == "github.com/aws/aws-lambda-go" {
			return fs[1]
		}
	}
	t.Fatal("aws-lambda-go not in go.mod")
	return ""
}

func sub(m map[string]any, key string) map[string]any { return m[key].(map[string]any) }

// output is a decoded function output.
type output struct {
	StatusCode        int                 `json:"statusCode"`
	Headers           map[string]string   `json:"headers"`
	MultiValueHeaders map[string][]string `json:"multiValueHeaders"`
	Cookies           []string            `json:"cookies"`
	Body              string              `json:"body"`
	IsBase64Encoded   bool                `json:"isBase64Encoded"`
}

// TestPlatformFacts runs the facts and peer bugs of docs/evidence/events.md#recorded-captures
// and docs/evidence/events.md#peer-adapter-pitfalls
// (adapters, section 9) as regression tests, on aws-lambda-go's own
// sample events through the whole bytes path.
func TestPlatformFacts(t *testing.T) {
	pngBytes := png
	zip := []byte("PK\x03\x04valid utf-8 zip start")
	for _, tt := range []struct {
		name    string
		file    string
		edit    func(m map[string]any)
		handler http.HandlerFunc
		check   func(t *testing.T, s seen, out output)
	}{
		{
			name: "REST path is encoded and has no stage; multi-value query and headers kept",
			file: "apigw-request.json",
			check: func(t *testing.T, s seen, out output) {
				if s.Path != "/hello/world" || s.RawQuery != "name=me" || s.Header.Get("Cloudfront-Viewer-Country") != "US" {
					t.Errorf("saw %s ? %s, CloudFront-Viewer-Country %q", s.Path, s.RawQuery, s.Header.Get("Cloudfront-Viewer-Country"))
				}
			},
		},
		{
			name: "REST custom domain: path includes the base path, stripped",
			file: "apigw-request.json",
			edit: func(m map[string]any) {
				m["path"] = "/v1/hello/world"
				sub(m, "multiValueHeaders")["Host"] = []any{"api.example.com"}
			},
			check: func(t *testing.T, s seen, out output) {
				if s.Path != "/hello/world" || s.Host != "api.example.com" {
					t.Errorf("saw %s on %s, want /hello/world on api.example.com", s.Path, s.Host)
				}
			},
		},
		{
			name: "REST keeps %2F: RawPath preserved",
			file: "apigw-request.json",
			edit: func(m map[string]any) {
				m["path"] = "/files/a%2Fb"
				m["resource"] = "/files/{name}"
				m["pathParameters"] = map[string]any{"name": "a%2Fb"}
			},
			check: func(t *testing.T, s seen, out output) {
				if s.Path != "/files/a/b" || s.RawPath != "/files/a%2Fb" {
					t.Errorf("saw Path %q RawPath %q, want /files/a/b and /files/a%%2Fb", s.Path, s.RawPath)
				}
			},
		},
		{
			name: "REST: several Set-Cookie in multiValueHeaders",
			file: "apigw-request.json",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.SetCookie(w, &http.Cookie{Name: "a", Value: "1"})
				http.SetCookie(w, &http.Cookie{Name: "b", Value: "2"})
				w.Header().Add("X-Multi", "1")
				w.Header().Add("X-Multi", "2")
			},
			check: func(t *testing.T, s seen, out output) {
				if strings.Join(out.MultiValueHeaders["Set-Cookie"], "|") != "a=1|b=2" || len(out.MultiValueHeaders["X-Multi"]) != 2 {
					t.Errorf("output multiValueHeaders %v", out.MultiValueHeaders)
				}
			},
		},
		{
			name: "HTTP API: cookies array becomes the Cookie header; repeated query values apart",
			file: "apigw-v2-request-jwt-authorizer.json",
			check: func(t *testing.T, s seen, out output) {
				if s.Header.Get("Cookie") != "cookie1; cookie2" || s.RawQuery != "parameter1=value1&parameter1=value2&parameter2=value" {
					t.Errorf("saw Cookie %q, query %q", s.Header.Get("Cookie"), s.RawQuery)
				}
			},
		},
		{
			name: "HTTP API: Set-Cookie values go to cookies, repeated headers comma-joined",
			file: "apigw-v2-request-no-authorizer.json",
			handler: func(w http.ResponseWriter, r *http.Request) {
				http.SetCookie(w, &http.Cookie{Name: "a", Value: "1"})
				http.SetCookie(w, &http.Cookie{Name: "b", Value: "2"})
				w.Header().Add("X-Multi", "1")
				w.Header().Add("X-Multi", "2")
			},
			check: func(t *testing.T, s seen, out output) {
				if strings.Join(out.Cookies, "|") != "a=1|b=2" || out.Headers["X-Multi"] != "1,2" || out.MultiValueHeaders != nil {
					t.Errorf("output cookies %q headers %v multiValueHeaders %v", out.Cookies, out.Headers, out.MultiValueHeaders)
				}
			},
		},
		{
			name: "HTTP API named stage: no stage 404",
			file: "apigw-v2-request-no-authorizer.json",
			edit: func(m map[string]any) {
				m["rawPath"] = "/Prod/my/path"
				sub(m, "requestContext")["stage"] = "Prod"
				sub(sub(m, "requestContext"), "http")["path"] = "/Prod/my/path"
			},
			check: func(t *testing.T, s seen, out output) {
				if s.Path != "/my/path" || out.StatusCode != 200 {
					t.Errorf("saw %q, status %d; want /my/path, 200", s.Path, out.StatusCode)
				}
			},
		},
		{
			name: "HTTP API rawPath with a decoded %: served, not an error",
			file: "apigw-v2-request-no-authorizer.json",
			edit: func(m map[string]any) { m["rawPath"] = "/files/100%" },
			check: func(t *testing.T, s seen, out output) {
				if s.Path != "/files/100%" || s.RequestURI != "/files/100%25" || out.StatusCode != 200 {
					t.Errorf("saw %q (%q), status %d", s.Path, s.RequestURI, out.StatusCode)
				}
			},
		},
		{
			name: "HTTP API rawPath with a decoded ?: path, not query",
			file: "apigw-v2-request-no-authorizer.json",
			edit: func(m map[string]any) { m["rawPath"] = "/users/me?admin=true"; m["rawQueryString"] = "repeat=one" },
			check: func(t *testing.T, s seen, out output) {
				if s.Path != "/users/me?admin=true" || s.RawQuery != "repeat=one" {
					t.Errorf("saw Path %q RawQuery %q", s.Path, s.RawQuery)
				}
			},
		},
		{
			name: "function URL: encoded path, cookies, body",
			file: "lambda-urls-request.json",
			check: func(t *testing.T, s seen, out output) {
				if s.Method != "POST" || s.Path != "/my/path" || s.Header.Get("Cookie") != "cookie1; cookie2" || s.Body != "Hello from client!" || s.Header.Get("Header2") != "value1,value2" {
					t.Errorf("saw %+v", s)
				}
			},
		},
		{
			name: "ALB query is not decoded by the load balancer: decoded once, not twice",
			file: "alb-lambda-target-request-multivalue-headers.json",
			edit: func(m map[string]any) {
				m["multiValueQueryStringParameters"] = map[string]any{
					"redirect": []any{"https%3A%2F%2Fexample.com%2Fa%2Fb"}, "literalPlus": []any{"a+b"}, "encodedPlus": []any{"a%2Bb"}, "repeat": []any{"one", "two"},
				}
			},
			handler: func(w http.ResponseWriter, r *http.Request) {
				q := r.URL.Query()
				w.Write([]byte(q.Get("redirect") + " " + q.Get("literalPlus") + " " + q.Get("encodedPlus") + " " + strings.Join(q["repeat"], ",")))
			},
			check: func(t *testing.T, s seen, out output) {
				if want := "https://example.com/a/b a b a+b one,two"; out.Body != want {
					t.Errorf("handler decoded the query as %q, want %q", out.Body, want)
				}
				if out.MultiValueHeaders == nil {
					t.Error("multi-value target group answered without multiValueHeaders")
				}
			},
		},
		{
			name: "ALB over plain HTTP: no TLS",
			file: "alb-lambda-target-request-multivalue-headers.json",
			check: func(t *testing.T, s seen, out output) {
				if s.TLS || s.Host != "lambda-test-alb-1234567.us-east-1.elb.amazonaws.com" {
					t.Errorf("saw TLS %t Host %q", s.TLS, s.Host)
				}
			},
		},
		{
			name: "binary PNG body: base64, not corrupted",
			file: "apigw-v2-request-no-authorizer.json",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "image/png")
				w.Write(pngBytes)
			},
			check: func(t *testing.T, s seen, out output) {
				b, err := base64.StdEncoding.DecodeString(out.Body)
				if !out.IsBase64Encoded || err != nil || string(b) != string(pngBytes) {
					t.Errorf("PNG output %q base64 %t", out.Body, out.IsBase64Encoded)
				}
			},
		},
		{
			name: "binary that is valid UTF-8: base64 by Content-Type, Content-Type kept",
			file: "apigw-request.json",
			handler: func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/octet-stream")
				w.Write(zip)
			},
			check: func(t *testing.T, s seen, out output) {
				b, _ := base64.StdEncoding.DecodeString(out.Body)
				if !out.IsBase64Encoded || string(b) != string(zip) || strings.Join(out.MultiValueHeaders["Content-Type"], "") != "application/octet-stream" {
					t.Errorf("output %+v", out)
				}
			},
		},
		{
			name: "client header is not trusted as request context",
			file: "apigw-request.json",
			edit: func(m map[string]any) {
				sub(m, "multiValueHeaders")["X-GoLambdaProxy-ApiGw-Context"] = []any{`{"requestId":"forged","stage":"forged"}`}
			},
			handler: func(w http.ResponseWriter, r *http.Request) {
				ev, _ := nethttp.Event(r.Context())
				w.Write([]byte(ev.RequestID + " " + ev.Stage))
			},
			check: func(t *testing.T, s seen, out output) {
				if out.Body != "deef4878-7910-11e6-8f14-25afc3e9ae33 testStage" {
					t.Errorf("handler read the event as %q", out.Body)
				}
			},
		},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var s seen
			h := tt.handler
			if h == nil {
				h = func(w http.ResponseWriter, r *http.Request) { s = record(r) }
			} else {
				inner := h
				h = func(w http.ResponseWriter, r *http.Request) { s = record(r); inner(w, r) }
			}
			payload := awsSample(t, tt.file, tt.edit)
			b, err := handler.NewAdapter(nethttp.Wrap(h)).Invoke(context.Background(), payload)
			if err != nil {
				t.Fatalf("Invoke: %v", err)
			}
			var out output
			if err := json.Unmarshal(b, &out); err != nil {
				t.Fatalf("output %s: %v", b, err)
			}
			tt.check(t, s, out)
		})
	}
}

// TestEmptyHandlerEverySample checks peers' status 0 bug: a handler that
// writes nothing answers 200 for every sample event.
func TestEmptyHandlerEverySample(t *testing.T) {
	for _, f := range []string{"apigw-request.json", "apigw-v2-request-no-authorizer.json", "apigw-v2-request-iam.json", "lambda-urls-request.json",
		"alb-lambda-target-request-headers-only.json", "alb-lambda-target-request-multivalue-headers.json", "apigw-websocket-request.json", "apigw-websocket-request-send-message.json"} {
		b, err := handler.NewAdapter(nethttp.Wrap(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))).Invoke(context.Background(), awsSample(t, f, nil))
		var out output
		if err != nil || json.Unmarshal(b, &out) != nil || out.StatusCode != 200 || out.Body != "" {
			t.Errorf("%s: output %s, %v; want 200 and no body", f, b, err)
		}
	}
}
