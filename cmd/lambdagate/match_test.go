package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

func TestMatch(t *testing.T) {
	doc := []string{"--route", "GET /pets/dog/1", "--route", "GET /pets/dog/{id}", "--route", "GET /pets/{proxy+}", "--route", "ANY /{proxy+}", "--route", "$default"}
	for _, tc := range []struct {
		name string
		args []string
		want string // stdout
		code int
	}{
		{"static", append(doc, "GET", "/pets/dog/1"), `{"route":"GET /pets/dog/1","pathParameters":null}`, 0},
		{"variable", append(doc, "GET", "/pets/dog/2"), `{"route":"GET /pets/dog/{id}","pathParameters":{"id":"2"}}`, 0},
		{"greedy", append(doc, "GET", "/pets/cat/1?x=1"), `{"route":"GET /pets/{proxy+}","pathParameters":{"proxy":"cat/1"}}`, 0},
		{"fall through", append(doc, "POST", "/pets/dog/1"), `{"route":"ANY /{proxy+}","pathParameters":{"proxy":"pets/dog/1"}}`, 0},
		{"default", append(doc, "GET", "/"), `{"route":"$default","pathParameters":null}`, 0},
		{"not found", []string{"--route", "GET /pets/{id}", "--route", "GET /a/{x}/{y}", "GET", "/pets"}, `{"status":404,"body":{"message":"Not Found"}}`, 0},
		{"params in route order", []string{"--route", "GET /a/{y}/{x}", "GET", "/a/1/2"}, `{"route":"GET /a/{y}/{x}","pathParameters":{"y":"1","x":"2"}}`, 0},
		{"powertools spelling", []string{"--route", "GET /pets/<id>", "GET", "/pets/7"}, `{"route":"GET /pets/{id}","pathParameters":{"id":"7"}}`, 0},
		{"decoded", []string{"--route", "GET /files/{name}", "GET", "/files/a%20b"}, `{"route":"GET /files/{name}","pathParameters":{"name":"a b"}}`, 0},
		{"slash decoded", []string{"--route", "GET /files/{name}", "GET", "/files/a%2Fb"}, `{"status":404,"body":{"message":"Not Found"}}`, 0},
		{"bad percent", []string{"--route", "$default", "GET", "/capture/percent%25done"}, `{"status":400,"body":{"message":"Bad Request"}}`, 0},
		{"stage", []string{"--stage", "dev", "--route", "GET /pets", "GET", "/dev/pets"}, `{"route":"GET /pets","pathParameters":null}`, 0},
		{"stage root", []string{"--stage", "dev", "--route", "GET /", "GET", "/dev"}, `{"route":"GET /","pathParameters":null}`, 0},
		{"wrong stage", []string{"--stage", "dev", "--route", "$default", "GET", "/prod/pets"}, `{"status":404,"body":{"message":"Not Found"}}`, 0},
		{"default stage", []string{"--stage", "$default", "--route", "GET /pets", "GET", "/pets"}, `{"route":"GET /pets","pathParameters":null}`, 0},
		{"base path", []string{"--base-path", "/v1", "--route", "GET /pets", "GET", "/v1/pets"}, `{"route":"GET /pets","pathParameters":null}`, 0},
		{"rest", []string{"--source", "rest", "--route", "POST /test", "--route", "OPTIONS /{proxy+}", "OPTIONS", "/test"}, `{"route":"OPTIONS /{proxy+}","pathParameters":{"proxy":"test"}}`, 0},
		{"rest encoded", []string{"--source", "rest", "--route", "GET /files/{name}", "GET", "/files/a%2Fb/"}, `{"route":"GET /files/{name}","pathParameters":{"name":"a%2Fb"}}`, 0},
		{"rest not found", []string{"--source", "rest", "--route", "GET /existing", "POST", "/existing"}, `{"status":403,"body":{"message":"Missing Authentication Token"},"headers":{"x-amzn-ErrorType":"MissingAuthenticationTokenException"}}`, 0},
		{"rest wrong stage", []string{"--source", "rest", "--stage", "dev", "--route", "ANY /{proxy+}", "GET", "/nostage/x"}, `{"status":403,"body":{"message":"Missing Authentication Token"},"headers":{"x-amzn-ErrorType":"MissingAuthenticationTokenException"}}`, 0},
		{"rest override", []string{"--source", "rest", "--header", "X-HTTP-Method-Override: DELETE", "--route", "DELETE /x", "GET", "/x"}, `{"route":"DELETE /x","pathParameters":null}`, 0},
		{"no HTML escaping", []string{"--route", "GET /{p+}", "GET", "/a%3Cb%3E&"}, `{"route":"GET /{p+}","pathParameters":{"p":"a<b>&"}}`, 0},
		{"no routes", []string{"GET", "/"}, `{"status":404,"body":{"message":"Not Found"}}`, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(append([]string{"match"}, tc.args...), strings.NewReader(""), &out, &errOut)
			if code != tc.code || strings.TrimSuffix(out.String(), "\n") != tc.want {
				t.Errorf("lambdagate match %q = %d\n\t%s\nwant %d\n\t%s\nstderr: %s", tc.args, code, out.String(), tc.code, tc.want, errOut.String())
			}
			if !json.Valid(out.Bytes()) || strings.Count(out.String(), "\n") != 1 {
				t.Errorf("output %q is not one JSON line", out.String())
			}
		})
	}
}

func TestMatchErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		args   []string
		code   int
		stderr []string
	}{
		{"conflict", []string{"--route", "GET /pets/{id}", "--route", "GET /pets/{name}", "GET", "/pets/1"}, 2,
			[]string{`"GET /pets/{name}" (registered at --route 2) conflicts with "GET /pets/{id}" (registered at --route 1)`, `like "GET /pets/name"`}},
		{"rest siblings", []string{"--source", "rest", "--route", "GET /pets/{id}", "--route", "POST /pets/{name}", "GET", "/pets/1"}, 2,
			[]string{"at most one variable child"}},
		{"malformed", []string{"--route", "GET /pets/", "GET", "/pets"}, 2, []string{`parsing "GET /pets/": at offset 9`}},
		{"rest default", []string{"--source", "rest", "--route", "$default", "GET", "/"}, 2, []string{"HTTP API route key"}},
		{"bad api", []string{"--source", "ws", "GET", "/"}, 2, []string{`unknown source "ws"`}},
		{"missing path", []string{"--route", "$default", "GET"}, 2, []string{"want METHOD and PATH, got 1"}},
		{"relative path", []string{"GET", "pets"}, 2, []string{`path "pets" must begin with "/"`}},
		{"bad header", []string{"--header", "nocolon", "GET", "/"}, 2, []string{`bad header "nocolon"`}},
		{"unknown flag", []string{"--nope", "GET", "/"}, 2, []string{"flag provided but not defined"}},
		{"help", []string{"-h"}, 0, []string{"usage: lambdagate match", "-route key"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := run(append([]string{"match"}, tc.args...), strings.NewReader(""), &out, &errOut)
			if code != tc.code || out.Len() != 0 {
				t.Errorf("lambdagate match %q = %d, stdout %q; want %d and no output", tc.args, code, out.String(), tc.code)
			}
			for _, s := range tc.stderr {
				if !strings.Contains(errOut.String(), s) {
					t.Errorf("lambdagate match %q: stderr %q does not contain %q", tc.args, errOut.String(), s)
				}
			}
		})
	}
}
