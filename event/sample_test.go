package event_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/lambdagate/lambdagate/event"
)

// awsTestdata returns the directory of aws-lambda-go's sample events in the
// module cache, or skips when the module is not downloaded.
func awsTestdata(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("AWS_LAMBDA_GO_TESTDATA")
	if dir == "" {
		gomodcache := os.Getenv("GOMODCACHE")
		if gomodcache == "" {
			if out, err := exec.Command("go", "env", "GOMODCACHE").Output(); err == nil {
				gomodcache = strings.TrimSpace(string(out))
			}
		}
		if gomodcache == "" {
			gopath := os.Getenv("GOPATH")
			if gopath == "" {
				home, _ := os.UserHomeDir()
				gopath = filepath.Join(home, "go")
			}
			gomodcache = filepath.Join(strings.Split(gopath, string(os.PathListSeparator))[0], "pkg", "mod")
		}
		dir = filepath.Join(gomodcache, "github.com", "aws", "aws-lambda-go@"+awsVersion(t), "events", "testdata")
	}
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("aws-lambda-go sample events not found (run go mod download): %v", err)
	}
	return dir
}

func awsVersion(t testing.TB) string {
	bi, ok := debug.ReadBuildInfo()
	if ok {
		for _, d := range bi.Deps {
			if d.Path == "github.com/aws/aws-lambda-go" {
				return d.Version
			}
		}
	}
	// Tests do not always carry dependency build info; read go.mod.
	b, err := os.ReadFile("../go.mod")
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		for i, w := range f {
			if w == "github.com/aws/aws-lambda-go" && i+1 < len(f) {
				return f[i+1]
			}
		}
	}
	t.Fatal("aws-lambda-go not in go.mod")
	return ""
}

// sampleSources lists every HTTP sample event of aws-lambda-go and the
// source Decode must detect.
var sampleSources = map[string]event.Source{
	"apigw-request.json":                                event.REST,
	"apigw-restapi-openapi-request.json":                event.REST,
	"apigw-v2-request-iam.json":                         event.HTTPAPI,
	"apigw-v2-request-jwt-authorizer.json":              event.HTTPAPI,
	"apigw-v2-request-lambda-authorizer.json":           event.HTTPAPI,
	"apigw-v2-request-no-authorizer.json":               event.HTTPAPI,
	"apigw-websocket-request.json":                      event.WebSocket,
	"apigw-websocket-request-disconnect.json":           event.WebSocket,
	"apigw-websocket-request-send-message.json":         event.WebSocket,
	"alb-lambda-target-request-headers-only.json":       event.ALB,
	"alb-lambda-target-request-multivalue-headers.json": event.ALBMultiValue,
	"lambda-urls-request.json":                          event.FunctionURL,
}

// notRequests are sample events Decode must refuse as not HTTP requests.
var notRequests = []string{
	"apigw-custom-auth-request.json",
	"apigw-custom-auth-request-type-request.json",
	"apigw-v2-custom-authorizer-v1-request.json",
	"apigw-v2-custom-authorizer-v2-request.json",
	"apigw-response.json",
	"alb-lambda-target-response.json",
	"lambda-urls-response.json",
	"s3-event.json",
	"sqs-event.json",
}

func readSample(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(awsTestdata(t), name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSamples decodes every AWS sample event, converts it to the typed
// aws-lambda-go event and back, and compares both ways with go-cmp.
func TestSamples(t *testing.T) {
	for name, want := range sampleSources {
		t.Run(name, func(t *testing.T) {
			raw := readSample(t, name)
			r, err := event.Decode(raw)
			if err != nil {
				t.Fatalf("Decode: %v", err)
			}
			if r.Source != want {
				t.Fatalf("Source = %v, want %v", r.Source, want)
			}
			typed, err := r.Event()
			if err != nil {
				t.Fatal(err)
			}
			direct := reflect.New(reflect.TypeOf(typed).Elem()).Interface()
			if err := json.Unmarshal(raw, direct); err != nil {
				t.Fatal(err)
			}
			normalize(direct)
			if diff := cmp.Diff(direct, typed, jsonEqual); diff != "" {
				t.Errorf("Decode then Event differs from encoding/json (-json +ours):\n%s", diff)
			}
			back, err := event.FromEvent(typed)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(r, back, jsonEqual, anyOrder); diff != "" {
				t.Errorf("FromEvent(Event()) differs from Decode (-decode +back):\n%s", diff)
			}
		})
	}
}

func TestNotRequests(t *testing.T) {
	for _, name := range notRequests {
		raw := readSample(t, name)
		if r, err := event.Decode(raw); err == nil {
			t.Errorf("Decode(%s) = %v source, want error", name, r.Source)
		}
	}
}

// anyOrder ignores the order of fields, which typed events (Go maps) lose.
var anyOrder = cmpopts.SortSlices(func(a, b event.Field) bool {
	if a.Name != b.Name {
		return a.Name < b.Name
	}
	return a.Value < b.Value
})

// jsonEqual compares raw JSON fields by meaning, not bytes.
var jsonEqual = cmp.Comparer(func(a, b json.RawMessage) bool {
	if len(a) == 0 || len(b) == 0 {
		return len(a) == len(b)
	}
	var x, y any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil {
		return string(a) == string(b)
	}
	return reflect.DeepEqual(x, y)
})

// normalize applies to an encoding/json-decoded sample the one rule by
// which a Request is more uniform than the raw event: a payload 1.0 event
// has one header list, so "headers" and "multiValueHeaders" (and the two
// query maps) say the same thing. AWS always sends them consistent; the
// WebSocket sample does not, so the single maps are rebuilt from the union.
func normalize(v any) {
	switch e := v.(type) {
	case interface{ unionFix() }:
		e.unionFix()
	default:
		rv := reflect.ValueOf(v).Elem()
		h, mh := rv.FieldByName("Headers"), rv.FieldByName("MultiValueHeaders")
		q, mq := rv.FieldByName("QueryStringParameters"), rv.FieldByName("MultiValueQueryStringParameters")
		if !mh.IsValid() || !h.IsValid() || !q.IsValid() || !mq.IsValid() {
			return
		}
		if rv.FieldByName("RequestContext").FieldByName("ELB").IsValid() {
			return // ALB sends one mode or the other, never both
		}
		unionMaps(h, mh, true)
		unionMaps(q, mq, false)
	}
}

func unionMaps(single, multi reflect.Value, fold bool) {
	s, _ := single.Interface().(map[string]string)
	m, _ := multi.Interface().(map[string][]string)
	if len(s) == 0 && len(m) == 0 {
		return
	}
	ns := map[string]string{}
	nm := map[string][]string{}
	for k, vs := range m {
		nm[k] = vs
		if len(vs) > 0 {
			ns[k] = vs[len(vs)-1]
		}
	}
outer:
	for k, v := range s {
		for mk := range m {
			if mk == k || fold && strings.EqualFold(mk, k) {
				continue outer
			}
		}
		ns[k] = v
		nm[k] = []string{v}
	}
	single.Set(reflect.ValueOf(ns))
	multi.Set(reflect.ValueOf(nm))
}
