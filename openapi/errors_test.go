package openapi_test

import (
	"bufio"
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/openapi"
)

// TestImportErrors checks that every problem of a definition API Gateway
// would refuse is reported, each at its line, with its JSON pointer.
func TestImportErrors(t *testing.T) {
	src := readFile(t, "testdata/errors.yaml")
	// The lines marked "problem" in the file.
	var marked []int
	sc := bufio.NewScanner(bytes.NewReader(src))
	for n := 1; sc.Scan(); n++ {
		if strings.Contains(sc.Text(), "# problem") {
			marked = append(marked, n)
		}
	}
	_, err := openapi.Import(src, openapi.Options{Name: "errors.yaml"})
	var e *openapi.Error
	if !errors.As(err, &e) {
		t.Fatalf("Import = %v, want an *openapi.Error", err)
	}
	t.Log(err)
	// The unresolved $ref stops the import before the other checks, as
	// the document cannot be read without it; the others are reported
	// together on a second pass without it.
	lines := map[int]bool{}
	for _, p := range e.Problems {
		lines[p.Line] = true
		if p.Pointer == "" && p.Line == 0 {
			t.Errorf("problem without a place: %v", p)
		}
	}
	unresolved := 0
	for i, n := range marked {
		if strings.Contains(strings.Split(string(src), "\n")[n-1], "unresolved") {
			unresolved = i
		}
	}
	if !lines[marked[unresolved]] {
		t.Errorf("no problem reported at line %d (the unresolved $ref): %v", marked[unresolved], err)
	}
	fixed := bytes.Replace(src, []byte(`{$ref: "#/components/schemas/Nope"}`), []byte(`{type: object}`), 1)
	_, err = openapi.Import(fixed, openapi.Options{Name: "errors.yaml"})
	if !errors.As(err, &e) {
		t.Fatalf("Import = %v, want an *openapi.Error", err)
	}
	t.Log(err)
	lines = map[int]bool{}
	for _, p := range e.Problems {
		lines[p.Line] = true
	}
	for i, n := range marked {
		if i == unresolved {
			continue
		}
		if !lines[n] {
			t.Errorf("no problem reported at line %d (%s)", n, strings.TrimSpace(strings.Split(string(src), "\n")[n-1]))
		}
	}
	if !strings.Contains(err.Error(), "errors.yaml:") {
		t.Errorf("error does not name the file: %v", err)
	}
}

// TestImportRefusals checks definitions API Gateway refuses, and the
// reports of settings the local gateway does not emulate (security
// settings: TestSecurityImport).
func TestImportRefusals(t *testing.T) {
	for _, tt := range []struct {
		name, doc string
		want      string // a problem, or with note a note
		note      bool
	}{
		{"swagger 3.1", `{"openapi":"3.1.0","info":{"title":"x","version":"1"},"paths":{}}`, "unsupported OpenAPI version", false},
		{"external ref", `{"openapi":"3.0.1","info":{"title":"x","version":"1"},"paths":{"/a":{"$ref":"other.json#/a"}}}`, "only references within the definition", false},
		{"too large", `{"openapi":"3.0.1","info":{"title":"x","version":"1"},"paths":{}}` + strings.Repeat(" ", 7<<20), "over the 6291456-byte limit", false},
		{"vpc link", `{"openapi":"3.0.1","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"x-amazon-apigateway-integration":{"type":"http_proxy","connectionType":"VPC_LINK","connectionId":"abc","uri":"http://nlb/","httpMethod":"GET"}}}}}`, "VPC link are not emulated", true},
		{"service", `{"openapi":"3.0.1","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"x-amazon-apigateway-integration":{"type":"aws","uri":"arn:aws:apigateway:us-east-1:s3:path/bucket/key","httpMethod":"GET"}}}}}`, "AWS service integrations (s3) are not emulated", true},
		{"documentation", `{"openapi":"3.0.1","info":{"title":"x","version":"1"},"paths":{},"x-amazon-apigateway-documentation":{"version":"1"}}`, "documentation parts are not emulated", true},
		{"unknown extension", `{"openapi":"3.0.1","info":{"title":"x","version":"1"},"paths":{},"x-amazon-apigateway-shiny":true}`, "unknown or misplaced extension x-amazon-apigateway-shiny", true},
		// Problems that only gateway.New finds when nothing else is wrong,
		// reported at their operations all the same.
		{"conflict alone", `{"openapi":"3.0.1","info":{"title":"x","version":"1"},"paths":{"/f/{id}":{"get":{"x-amazon-apigateway-integration":{"type":"mock"}}},"/f/{name}":{"get":{"x-amazon-apigateway-integration":{"type":"mock"}}}}}`,
			`/paths/~1f~1{name}/get: "GET /f/{name}" conflicts with "GET /f/{id}" (/paths/~1f~1{id}/get)`, false},
		{"greedy not last alone", `{"openapi":"3.0.1","info":{"title":"x","version":"1"},"paths":{"/a/{rest+}/b":{"get":{"x-amazon-apigateway-integration":{"type":"mock"}}}}}`,
			`1:64: /paths/~1a~1{rest+}~1b: parsing "GET /a/{rest+}/b": at offset 7: a greedy variable must be the last segment`, false},
		{"content handling", `{"openapi":"3.0.1","info":{"title":"x","version":"1"},"paths":{"/a":{"get":{"x-amazon-apigateway-integration":{"type":"mock","contentHandling":"CONVERT_TO_TEXT"}}}}}`, "contentHandling is not emulated", true},
	} {
		res, err := openapi.Import([]byte(tt.doc), openapi.Options{Kind: event.REST})
		expectImport(t, tt.name, res, err, tt.want, tt.note)
	}
}

// expectImport checks the outcome of an import: with note, that it
// succeeded with a note containing want; without, that it failed with a
// problem containing want.
func expectImport(t *testing.T, name string, res *openapi.Result, err error, want string, note bool) {
	t.Helper()
	if !note {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: Import = %v, want an error containing %q", name, err, want)
		}
		return
	}
	if err != nil {
		t.Errorf("%s: Import = %v", name, err)
		return
	}
	for _, n := range res.Notes {
		if strings.Contains(n.String(), want) {
			return
		}
	}
	t.Errorf("%s: notes %v, want one containing %q", name, res.Notes, want)
}
