package mapping

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
)

func TestBodyPath(t *testing.T) {
	const doc = `{ "a" : { "b" : [ 1 , { "c" : "x\"y" } ] }, "dup": 1, "dup": 2, "k\u0065y": "escaped key",
		"obj": {"z": 1, "y": [true, null]}, "n": null, "s": "plain", "num": 2.50 }`
	for _, tt := range []struct {
		path   string
		want   string
		found  bool
		reason string
	}{
		{"a.b[0]", "1", true, "index"},
		{"a.b[1].c", `x"y`, true, "escaped string is unquoted"},
		{"a.b[2]", "", false, "index out of range"},
		{"a.b.c", "", false, "member of an array"},
		{"dup", "2", true, "last duplicate wins"},
		{"key", "escaped key", true, "escaped member name"},
		{"obj", `{"z":1,"y":[true,null]}`, true, "objects are compacted"},
		{"n", "", false, "null is not set"},
		{"s", "plain", true, "string"},
		{"num", "2.50", true, "numbers as written"},
		{"missing", "", false, "missing member"},
		{"s.x", "", false, "member of a string"},
	} {
		steps, err := parseBodyPath(tt.path)
		if err != nil {
			t.Fatal(err)
		}
		got, found, err := bodyPath([]byte(doc), steps, false)
		if err != nil || got != tt.want || found != tt.found {
			t.Errorf("bodyPath(%q) = %q, %t, %v; want %q, %t (%s)", tt.path, got, found, err, tt.want, tt.found, tt.reason)
		}
	}
	if _, _, err := bodyPath([]byte(`{"a": `), []string{"a"}, false); err == nil {
		t.Error("bodyPath on a broken object: no error, want one")
	}
	if _, found, err := bodyPath([]byte(`plain text`), []string{"a"}, false); err != nil || found {
		t.Errorf("bodyPath on text = %t, %v; want not found, no error", found, err)
	}
}

// slowBodyPath is the obvious implementation with encoding/json, the
// oracle for bodyPath.
func slowBodyPath(doc []byte, steps []string) (string, bool) {
	raw := json.RawMessage(bytes.TrimSpace(doc))
	for _, step := range steps {
		if n, ok := strings.CutPrefix(step, "["); ok {
			var arr []json.RawMessage
			if json.Unmarshal(raw, &arr) != nil {
				return "", false
			}
			k, _ := strconv.Atoi(strings.TrimSuffix(n, "]"))
			if k >= len(arr) {
				return "", false
			}
			raw = arr[k]
			continue
		}
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return "", false
		}
		v, ok := obj[step]
		if !ok {
			return "", false
		}
		raw = v
	}
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || string(raw) == "null" {
		return "", false
	}
	if raw[0] == '"' {
		var s string
		json.Unmarshal(raw, &s)
		return s, true
	}
	var b bytes.Buffer
	json.Compact(&b, raw)
	return b.String(), true
}

func FuzzBodyPath(f *testing.F) {
	f.Add(`{"a": {"b": [1, {"c": "x"}]}}`, "a.b[1].c")
	f.Add(`{"dup": 1, "dup": {"x" : [ 1 ]}}`, "dup")
	f.Add(`[{"k\u0065y": "v"}]`, "[0].key")
	f.Add("{\"\xf4\":{}}", "\xf4") // invalid UTF-8 in a member name
	f.Fuzz(func(t *testing.T, doc, path string) {
		if !json.Valid([]byte(doc)) {
			return
		}
		d := strings.TrimSpace(doc)
		if d == "" || (d[0] != '{' && d[0] != '[') {
			return
		}
		steps, err := parseBodyPath(path)
		if err != nil {
			return
		}
		got, found, err := bodyPath([]byte(doc), steps, false)
		want, wantFound := slowBodyPath([]byte(doc), steps)
		if err != nil || got != want || found != wantFound {
			t.Fatalf("bodyPath(%q, %q) = %q, %t, %v; slow path says %q, %t", doc, path, got, found, err, want, wantFound)
		}
	})
}

func TestParseSource(t *testing.T) {
	for _, tt := range []struct {
		expr    string
		request bool
		want    source
		err     string
	}{
		{"'a b'", false, source{kind: srcLiteral, name: "a b"}, ""},
		{"''", true, source{kind: srcLiteral}, ""},
		{"context.identity.sourceIp", false, source{kind: srcContext, path: []string{"identity", "sourceIp"}}, ""},
		{"stageVariables.v", true, source{kind: srcStageVar, name: "v"}, ""},
		{"method.request.header.X-A", true, source{kind: srcReqHeader, name: "X-A"}, ""},
		{"method.request.multivaluequerystring.q", true, source{kind: srcReqMultiQuery, name: "q"}, ""},
		{"method.request.body.a[0].b", true, source{kind: srcReqBody, path: []string{"a", "[0]", "b"}}, ""},
		{"integration.response.multivalueheader.H", false, source{kind: srcRespMultiHeader, name: "H"}, ""},
		{"integration.response.body", false, source{kind: srcRespBody}, ""},
		{"integration.response.header.X", true, source{}, "want method.request.*"},
		{"method.request.path.x", false, source{}, "want integration.response.*"},
		{"method.request.cookie.x", true, source{}, "unknown location"},
		{"method.request.body.a..b", true, source{}, "empty step"},
		{"'unterminated", true, source{}, "want method.request.*"},
	} {
		got, err := parseSource(tt.expr, tt.request)
		if tt.err != "" {
			if err == nil || !strings.Contains(err.Error(), tt.err) {
				t.Errorf("parseSource(%q) error = %v, want %q", tt.expr, err, tt.err)
			}
			continue
		}
		if err != nil || got.kind != tt.want.kind || got.name != tt.want.name || strings.Join(got.path, "|") != strings.Join(tt.want.path, "|") {
			t.Errorf("parseSource(%q) = %+v, %v; want %+v", tt.expr, got, err, tt.want)
		}
	}
}
