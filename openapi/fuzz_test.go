package openapi_test

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/openapi"
)

// FuzzImport imports any document: it never panics, and a document it
// accepts exports and imports again.
func FuzzImport(f *testing.F) {
	files, _ := filepath.Glob("testdata/*")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"openapi":"3.0.1","paths":{"/a/{b+}":{"x-amazon-apigateway-any-method":{"x-amazon-apigateway-integration":{"type":"mock"}}}}}`))
	f.Add([]byte("a: &a [*a, *a]\nb: &b [*a, *a, *a]\nc: [*b, *b, *b, *b]"))
	f.Add([]byte(`{"swagger":"2.0","paths":{"/":{"get":{"parameters":[{"$ref":"#/parameters/p"}]}}},"parameters":{"p":{"$ref":"#/parameters/p"}}}`))
	// Security settings in their odd shapes.
	f.Add([]byte(`{"openapi":"3.0.1","paths":{"/a":{"get":{"security":[{"t":["s"]},{},{"k":[]}],"x-amazon-apigateway-auth":{"type":"aws_iam"},"x-amazon-apigateway-integration":{"type":"mock"}}}},` +
		`"components":{"securitySchemes":{"t":{"type":"apiKey","name":"A","in":"header","x-amazon-apigateway-authorizer":{"type":"TOKEN","authorizerUri":{"Fn::Sub":"arn:aws:apigateway:${AWS::Region}:lambda:path/2015-03-31/functions/${F.Arn}/invocations"},"authorizerResultTtlInSeconds":"7"}},` +
		`"k":{"type":"apiKey","name":"X-API-KEY","in":"header"}}},"x-amazon-apigateway-api-key-source":"authorizer","x-amazon-apigateway-policy":"{"Statement":{"Effect":"Allow","Principal":"*","Action":"*","Resource":[{"Fn::Sub":"execute-api:/*"}]}}"}`))
	f.Add([]byte(`{"openapi":"3.0.1","x-amazon-apigateway-importexport-version":"1.0","security":[{"j":[]}],"paths":{"/a":{"get":{"security":[{"j":["a","b"],"l":[]}],"x-amazon-apigateway-integration":{"type":"aws_proxy","payloadFormatVersion":1.0,"uri":"arn:aws:apigateway:r:lambda:path/2015-03-31/functions/f/invocations"}}}},` +
		`"components":{"securitySchemes":{"j":{"type":"openIdConnect","openIdConnectUrl":"https://i/.well-known/openid-configuration","x-amazon-apigateway-authorizer":{"type":"jwt","identitySource":["$request.header.A"],"jwtConfiguration":{"audience":"x"}}},` +
		`"l":{"type":"apiKey","x-amazon-apigateway-authorizer":{"type":"request","authorizerPayloadFormatVersion":2.0,"enableSimpleResponses":true,"identitySource":",,","authorizerUri":"arn:aws:apigateway:r:lambda:path/2015-03-31/functions/f/invocations"}}}}}`))
	opts := openapi.Options{AnyFunction: placeholder{}, IAM: iamConfig(), APIKeys: []gateway.APIKey{{ID: "k", Value: apiKey}}}
	f.Fuzz(func(t *testing.T, doc []byte) {
		res, err := openapi.Import(doc, opts)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "openapi: ") {
				t.Fatalf("error without the package prefix: %v", err)
			}
			return
		}
		out, err := openapi.Export(res.API, openapi.ExportOptions{Function: "f"})
		if err != nil {
			return // an API Export cannot describe (a route answering "not emulated")
		}
		if _, err := openapi.Import(out, opts); err != nil {
			t.Fatalf("Import(Export(Import(doc))) = %v\ndoc: %q\nexport: %s", err, doc, out)
		}
	})
}

// generated returns a REST definition of n routes, each a Lambda custom
// integration with templates, a validator and a model, and n routes
// shaped as hostile input tends to be: deep nesting in a schema.
func generated(n int) []byte {
	var b strings.Builder
	b.WriteString(`{"openapi":"3.0.1","info":{"title":"gen","version":"1"},"paths":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"/r%d/{id}":{"get":{"parameters":[{"name":"id","in":"path","required":true,"schema":{"type":"string"}},{"name":"q","in":"query","required":true,"schema":{"type":"string"}}],`+
			`"x-amazon-apigateway-request-validator":"all",`+
			`"x-amazon-apigateway-integration":{"type":"aws","httpMethod":"POST","uri":"arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:123456789012:function:f/invocations",`+
			`"requestTemplates":{"application/json":"{\"id\":\"$input.params('id')\",\"n\":%d}"},"responses":{"default":{"statusCode":"200","responseTemplates":{"application/json":"#set($r=$input.path('$'))$r.id"}},"4\\d{2}.*":{"statusCode":"400"}}}}}`, i, i)
	}
	b.WriteString(`},"components":{"schemas":{`)
	for i := range n {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"M%d":{"type":"object","properties":{"a":{"type":"object","properties":{"b":{"type":"array","items":{"type":"string"}}}}}}`, i)
	}
	b.WriteString(`}},"x-amazon-apigateway-request-validators":{"all":{"validateRequestBody":true,"validateRequestParameters":true}}}`)
	return []byte(b.String())
}

// TestImportCostIsLinear measures the allocations of importing
// definitions of n and 2n routes: twice the routes cost about twice the
// memory, not more.
func TestImportCostIsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("imports large definitions")
	}
	opts := openapi.Options{AnyFunction: placeholder{}}
	cost := func(n int) (allocs, bytes uint64) {
		doc := generated(n)
		if _, err := openapi.Import(doc, opts); err != nil {
			t.Fatal(err)
		}
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		openapi.Import(doc, opts)
		runtime.ReadMemStats(&after)
		return after.Mallocs - before.Mallocs, after.TotalAlloc - before.TotalAlloc
	}
	a1, b1 := cost(100)
	a2, b2 := cost(200)
	t.Logf("100 routes: %d allocs, %d bytes; 200 routes: %d allocs, %d bytes", a1, b1, a2, b2)
	if r := float64(a2) / float64(a1); r > 2.3 {
		t.Errorf("allocations grew %.2fx for twice the routes", r)
	}
	if r := float64(b2) / float64(b1); r > 2.3 {
		t.Errorf("bytes allocated grew %.2fx for twice the routes", r)
	}
}

// TestImportHostile imports documents built to cost: YAML aliases that
// expand exponentially, deep nesting, a long chain of references. Each
// is refused or read within a bounded number of allocations.
func TestImportHostile(t *testing.T) {
	var laughs strings.Builder
	laughs.WriteString("openapi: 3.0.1\na0: &a0 [x, x, x, x, x, x, x, x, x, x]\n")
	for i := 1; i < 10; i++ {
		fmt.Fprintf(&laughs, "a%d: &a%d [*a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d, *a%d]\n", i, i, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1, i-1)
	}
	deep := strings.Repeat(`{"a":`, 100000) + "1" + strings.Repeat("}", 100000)
	var chain strings.Builder
	chain.WriteString(`{"openapi":"3.0.1","info":{"title":"x","version":"1"},"paths":{},"components":{"schemas":{`)
	for i := range 2000 {
		fmt.Fprintf(&chain, `"S%d":{"$ref":"#/components/schemas/S%d"},`, i, i+1)
	}
	chain.WriteString(`"S2000":{"type":"string"}}}}`)
	var nested strings.Builder
	nested.WriteString(`{"openapi":"3.0.1","info":{"title":"x","version":"1"},"paths":{},"components":{"schemas":{`)
	for i := range 2000 {
		fmt.Fprintf(&nested, `"S%d":{"type":"object","properties":{"a":{"$ref":"#/components/schemas/S%d"}}},`, i, i+1)
	}
	nested.WriteString(`"S2000":{"type":"string"}}}}`)
	for name, doc := range map[string]string{"aliases": laughs.String(), "deep": `{"openapi":"3.0.1","x":` + deep + `}`, "chain": chain.String(), "nested chain": nested.String()} {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		_, err := openapi.Import([]byte(doc), openapi.Options{})
		runtime.ReadMemStats(&after)
		mb := float64(after.TotalAlloc-before.TotalAlloc) / (1 << 20)
		t.Logf("%s (%d bytes): %.1f MB allocated, err %v", name, len(doc), mb, firstLine(err))
		if mb > 200 {
			t.Errorf("%s: %.0f MB allocated for a %d-byte document", name, mb, len(doc))
		}
	}
}

func firstLine(err error) string {
	if err == nil {
		return "<nil>"
	}
	s, _, _ := strings.Cut(err.Error(), "\n\t")
	l, _, _ := strings.Cut(strings.TrimPrefix(err.Error(), s), "\n")
	return s + l
}

// TestImportRefChainsLinear checks that schemas referring to one another
// in a long chain cost memory linear in the chain's length.
func TestImportRefChainsLinear(t *testing.T) {
	if testing.Short() {
		t.Skip("imports large definitions")
	}
	cost := func(n int) float64 {
		var b strings.Builder
		b.WriteString(`{"openapi":"3.0.1","info":{"title":"x","version":"1"},"paths":{},"components":{"schemas":{`)
		for i := range n {
			fmt.Fprintf(&b, `"S%d":{"type":"object","properties":{"a":{"$ref":"#/components/schemas/S%d"}}},`, i, i+1)
		}
		fmt.Fprintf(&b, `"S%d":{"type":"string"}}}}`, n)
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		if _, err := openapi.Import([]byte(b.String()), openapi.Options{}); err != nil {
			t.Fatal(err)
		}
		runtime.ReadMemStats(&after)
		return float64(after.TotalAlloc - before.TotalAlloc)
	}
	c1, c2 := cost(500), cost(1000)
	t.Logf("500 schemas: %.1f MB; 1000: %.1f MB", c1/(1<<20), c2/(1<<20))
	if c2/c1 > 2.3 {
		t.Errorf("memory grew %.2fx for a chain twice as long", c2/c1)
	}
}
