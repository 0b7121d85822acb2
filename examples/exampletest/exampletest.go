// Package exampletest holds the requests the examples' tests send and
// the answers each must get, so that one table drives an example both in
// process (gatewaytest.New with the example's Go API) and as "lambdagate
// serve examples/NAME/template.yaml" runs it, with real function
// processes behind the local gateway (gatewaytest.Remote). It is for
// tests only.
package exampletest

import (
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
)

// A Request is one request of an example's table and the answer it must
// get.
type Request struct {
	Method, Path, Body string
	// Header holds the request's header name and value pairs.
	Header []string
	Status int
	// Want is the body, exactly; one that ends with "*" is a prefix.
	Want string
	// WantHeader holds header name and value pairs the response must
	// have: a value exactly, "*" for any value, "" for none, a value
	// ending with "*" for a prefix.
	WantHeader []string
}

// match reports whether got matches want, as Request's fields say.
func match(want, got string) bool {
	if p, ok := strings.CutSuffix(want, "*"); ok {
		return strings.HasPrefix(got, p) && (p != "" || got != "")
	}
	return got == want
}

// Run sends each request to s, in order, and checks its answer.
func Run(t testing.TB, s *gatewaytest.Server, reqs []Request) {
	t.Helper()
	for _, r := range reqs {
		resp, body := s.Fetch(r.Method, r.Path, r.Body, r.Header...)
		if resp.StatusCode != r.Status || !match(r.Want, body) {
			t.Errorf("%s %s = %d %q, want %d %q", r.Method, r.Path, resp.StatusCode, body, r.Status, r.Want)
		}
		for i := 0; i+1 < len(r.WantHeader); i += 2 {
			name, want := r.WantHeader[i], r.WantHeader[i+1]
			if got := resp.Header.Get(name); !match(want, got) {
				t.Errorf("%s %s: header %s = %q, want %q", r.Method, r.Path, name, got, want)
			}
		}
	}
}

var jsonType = []string{"Content-Type", "application/json"}

// Calc is the Calc API's table (examples/calc).
var Calc = []Request{
	{Method: "GET", Path: "/test/calc?operand1=2&operand2=3&operator=add", Status: 200,
		Want: "{\n    \"result\": \"2, 3, add => 5\",\n  \"a\" : \"2\",\n  \"b\" : \"3\",\n  \"op\" : \"add\",\n  \"c\" : \"5\"\n}", WantHeader: []string{"operand_1", "2"}},
	{Method: "GET", Path: "/test/calc?operand1=1&operand2=2&operator=%2B", Status: 200,
		Want: "{\n    \"result\": \"1, 2, + => 3\",\n  \"a\" : \"1\",\n  \"b\" : \"2\",\n  \"op\" : \"+\",\n  \"c\" : \"3\"\n}", WantHeader: []string{"operator", "+"}},
	// Division by zero: c is null, which the template renders as "".
	{Method: "GET", Path: "/test/calc?operand1=1&operand2=0&operator=div", Status: 200,
		Want: "{\n    \"result\": \"1, 0, div => \",\n  \"a\" : \"1\",\n  \"b\" : \"0\",\n  \"op\" : \"div\",\n  \"c\" : \"\"\n}"},
	{Method: "GET", Path: "/test/calc?operand1=2", Status: 400, Want: `{"message":"Missing required request parameters: [operand2, operator]"}`},
	{Method: "GET", Path: "/test/calc?operand1=2&operand2=&operator=add", Status: 400, Want: `{"message":"Missing required request parameters: [operand2]"}`},
	{Method: "GET", Path: "/test/calc?operand1=x&operand2=3&operator=add", Status: 400, Want: `{"errorMessage":"400 Invalid Operand","errorType":"errorString"}`},
	{Method: "POST", Path: "/test/calc", Body: `{"a":6,"b":7,"op":"*"}`, Header: jsonType, Status: 200, Want: `{"a":6,"b":7,"op":"*","c":42}`},
	{Method: "POST", Path: "/test/calc", Body: `{"a":"6","b":7,"op":"*"}`, Header: jsonType, Status: 400, Want: `{"message":"Invalid request body"}`},
	{Method: "POST", Path: "/test/calc", Body: `{}`, Header: jsonType, Status: 400, Want: `{"errorMessage":"400 Invalid Input","errorType":"errorString"}`},
	{Method: "GET", Path: "/test/calc/1/2/%2F", Status: 200,
		Want: "{\n  \"input\" : {\n    \"a\" : 1,\n    \"b\" : 2,\n    \"op\" : \"/\"\n  },\n  \"output\" : {\n    \"c\" : 0.5\n  }\n}"},
	{Method: "GET", Path: "/test/calc/4/5/mul", Status: 200,
		Want: "{\n  \"input\" : {\n    \"a\" : 4,\n    \"b\" : 5,\n    \"op\" : \"mul\"\n  },\n  \"output\" : {\n    \"c\" : 20\n  }\n}"},
	{Method: "GET", Path: "/test/calc/1/2/pow", Status: 400, Want: `{"errorMessage":"400 Invalid Operator","errorType":"errorString"}`},
	{Method: "DELETE", Path: "/test/calc", Status: 403, Want: `{"message":"Missing Authentication Token"}`, WantHeader: []string{"x-amzn-ErrorType", "MissingAuthenticationTokenException"}},
	{Method: "GET", Path: "/prod/calc", Status: 403, Want: `{"message":"Missing Authentication Token"}`},
}

// Pets is the pet store's table (examples/pets), for a store as it
// starts: the POST adds the fourth pet.
var Pets = []Request{
	{Method: "GET", Path: "/pets", Status: 200, Want: `[{"id":1,"name":"Rex","type":"dog","price":249.99},{"id":2,"name":"Tom","type":"cat","price":124.99},{"id":3,"name":"Nemo","type":"fish","price":0.99}]`, WantHeader: []string{"Apigw-Requestid", "*"}},
	{Method: "GET", Path: "/pets?type=cat", Status: 200, Want: `[{"id":2,"name":"Tom","type":"cat","price":124.99}]`},
	{Method: "GET", Path: "/pets/1", Status: 200, Want: `{"id":1,"name":"Rex","type":"dog","price":249.99}`},
	{Method: "GET", Path: "/v1/pets/2", Status: 200, Want: `{"id":2,"name":"Tom","type":"cat","price":124.99}`},
	{Method: "GET", Path: "/pets/99", Status: 404, Want: `{"message":"pet 99 not found"}`},
	{Method: "GET", Path: "/pets/x", Status: 400, Want: `{"message":"id must be a number"}`},
	{Method: "POST", Path: "/pets", Body: `{"name":""}`, Header: jsonType, Status: 400, Want: `{"message":"want a JSON pet with a name"}`},
	{Method: "DELETE", Path: "/pets/1/toys/2", Status: 200, Want: `{"method":"DELETE","rest":"1/toys/2","route":"ANY /pets/{proxy+}","stage":"$default"}`},
	{Method: "PUT", Path: "/v1/pets/1/photo", Status: 200, Want: `{"method":"PUT","rest":"1/photo","route":"ANY /pets/{proxy+}","stage":"v1"}`},
	{Method: "GET", Path: "/owners", Status: 404, Want: `{"message":"no pets at /owners"}`},
	{Method: "PUT", Path: "/pets", Status: 404, Want: `{"message":"no pets at /pets"}`},
	{Method: "POST", Path: "/pets", Body: `{"name":"Kit","type":"cat","price":10}`, Header: jsonType, Status: 201, Want: `{"id":4,"name":"Kit","type":"cat","price":10}`,
		WantHeader: []string{"Location", "/pets/4", "Set-Cookie", "last_pet=4*"}},
	// CORS: the gateway answers the preflight; actual responses carry
	// the configured headers only for the allowed origin.
	{Method: "OPTIONS", Path: "/pets", Header: []string{"Origin", "http://localhost:3000", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type"}, Status: 204,
		WantHeader: []string{"Access-Control-Allow-Origin", "http://localhost:3000", "Access-Control-Allow-Credentials", "true", "Access-Control-Max-Age", "300"}},
	{Method: "GET", Path: "/pets/1", Header: []string{"Origin", "http://localhost:3000"}, Status: 200, Want: `{"id":1,"name":"Rex","type":"dog","price":249.99}`,
		WantHeader: []string{"Access-Control-Allow-Origin", "http://localhost:3000", "Access-Control-Expose-Headers", "location"}},
	{Method: "GET", Path: "/pets/1", Header: []string{"Origin", "https://evil.example"}, Status: 200, Want: `{"id":1,"name":"Rex","type":"dog","price":249.99}`,
		WantHeader: []string{"Access-Control-Allow-Origin", ""}},
}

// The smartpath order in windows-1252 ("Renée", "café" and "thé": é is
// the single byte 0xE9), and its answer.
const (
	order1252   = "<order><customer>Ren\xe9e</customer><item name=\"caf\xe9\" qty=\"2\"/><item name=\"th\xe9\" qty=\"1\"/></order>"
	decl1252    = "<?xml version=\"1.0\" encoding=\"windows-1252\"?>"
	orderAnswer = `{"lines":2,"received":{"customer":"Renée","items":[{"name":"café","qty":2},{"name":"thé","qty":1}]}}`
)

// Smartpath is the smartpath API's table (examples/smartpath): the
// charset may be in the Content-Type, in the XML declaration, or both.
var Smartpath = []Request{
	{Method: "POST", Path: "/prod/smartpath", Body: order1252, Header: []string{"Content-Type", "text/xml; charset=windows-1252"}, Status: 200, Want: orderAnswer},
	{Method: "POST", Path: "/prod/smartpath", Body: decl1252 + order1252, Header: []string{"Content-Type", "text/xml; charset=windows-1252"}, Status: 200, Want: orderAnswer},
	{Method: "POST", Path: "/prod/smartpath", Body: decl1252 + order1252, Header: []string{"Content-Type", "text/xml"}, Status: 200, Want: orderAnswer},
	{Method: "POST", Path: "/prod/smartpath", Body: "<order><customer>Renée</customer><item name=\"café\" qty=\"2\"/><item name=\"thé\" qty=\"1\"/></order>", Header: []string{"Content-Type", "application/xml"}, Status: 200, Want: orderAnswer,
		WantHeader: []string{"Access-Control-Allow-Origin", "*", "X-Amzn-Requestid", "*"}},
	// The OPTIONS mock that "Enable CORS" creates.
	{Method: "OPTIONS", Path: "/prod/smartpath", Header: []string{"Origin", "https://app.example", "Access-Control-Request-Method", "POST"}, Status: 200, Want: "",
		WantHeader: []string{"Access-Control-Allow-Methods", "OPTIONS,POST", "Access-Control-Allow-Origin", "*", "Access-Control-Allow-Headers", "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token"}},
	{Method: "POST", Path: "/prod/smartpath?mistake=object-body", Body: "<order/>", Header: []string{"Content-Type", "text/xml"}, Status: 502, Want: `{"message":"Internal server error"}`, WantHeader: []string{"X-Amzn-Errortype", "InternalServerErrorException"}},
	{Method: "POST", Path: "/prod/smartpath", Body: "<order>", Header: []string{"Content-Type", "text/xml"}, Status: 400, Want: `{"message":"invalid XML: XML syntax error on line 1: unexpected EOF"}`, WantHeader: []string{"X-Amzn-Errortype", ""}},
	{Method: "POST", Path: "/prod/smartpath", Body: `{"a":1}`, Header: jsonType, Status: 415, Want: `{"message":"send text/xml"}`},
	{Method: "GET", Path: "/prod/smartpath", Status: 403, Want: `{"message":"Missing Authentication Token"}`, WantHeader: []string{"X-Amzn-Errortype", "MissingAuthenticationTokenException"}},
	{Method: "POST", Path: "/smartpath", Body: "<order/>", Header: []string{"Content-Type", "text/xml"}, Status: 403, Want: `{"message":"Missing Authentication Token"}`, WantHeader: []string{"X-Amzn-Errortype", "MissingAuthenticationTokenException"}},
}

// Webapp is the web app's table (examples/webapp), behind an HTTP API or
// its function URL: the same answers, the countdown whole once read.
var Webapp = []Request{
	{Method: "GET", Path: "/", Status: 200, Want: "<!doctype html><title>webapp</title><h1>Hello from 127.0.0.1:*", WantHeader: []string{"Content-Type", "text/html; charset=utf-8"}},
	{Method: "GET", Path: "/hello/gopher%20one", Status: 200, Want: "hello, gopher one\n"},
	{Method: "POST", Path: "/echo", Body: "ping", Header: []string{"Content-Type", "text/plain"}, Status: 200, Want: "ping", WantHeader: []string{"Set-Cookie", "echoed=4; Path=/"}},
	{Method: "GET", Path: "/logo.png", Status: 200, Want: "\x89PNG\r\n\x1a\n*", WantHeader: []string{"Content-Type", "image/png"}},
	{Method: "GET", Path: "/report.csv", Status: 200, Want: "pet,count\ndog,3\ncat,2\n", WantHeader: []string{"Content-Disposition", `attachment; filename="report.csv"`}},
	{Method: "GET", Path: "/countdown", Status: 200, Want: "5\n4\n3\n2\n1\n0\n"},
	{Method: "GET", Path: "/nope", Status: 404, Want: "404 page not found\n"},
	{Method: "DELETE", Path: "/hello/x", Status: 405, Want: "*", WantHeader: []string{"Allow", "*"}},
}

// An Issuer stands for an OpenID Connect identity provider: a loopback
// server with its discovery document and key set, and the tokens it
// signs.
type Issuer struct {
	// URL is the issuer's URL, which tokens carry in "iss".
	URL string
	key *rsa.PrivateKey
}

// NewIssuer starts an issuer on a loopback port, for the test's life.
func NewIssuer(t testing.TB) *Issuer {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "demo", Algorithm: "RS256", Use: "sig"}}}
	mux := http.NewServeMux()
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	mux.HandleFunc("/.well-known/openid-configuration", func(w http.ResponseWriter, r *http.Request) {
		json.NewEncoder(w).Encode(map[string]string{"issuer": srv.URL, "jwks_uri": srv.URL + "/jwks.json"})
	})
	mux.HandleFunc("/jwks.json", func(w http.ResponseWriter, r *http.Request) { json.NewEncoder(w).Encode(set) })
	return &Issuer{URL: srv.URL, key: key}
}

// Token returns a token for sub with the scopes (space-separated) and
// audience, from the issuer iss (the Issuer's URL when empty), valid for
// an hour.
func (i *Issuer) Token(t testing.TB, iss, sub, scope, audience string) string {
	t.Helper()
	if iss == "" {
		iss = i.URL
	}
	s, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: i.key, KeyID: "demo"}}, (&jose.SignerOptions{}).WithType("JWT"))
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	tok, err := jwt.Signed(s).Claims(map[string]any{"iss": iss, "aud": audience, "sub": sub, "scope": scope,
		"iat": now.Unix(), "exp": now.Add(time.Hour).Unix()}).Serialize()
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// Authz is the authz API's table (examples/authz), with tokens of the
// issuer for the audience.
func Authz(t testing.TB, iss *Issuer, audience string) []Request {
	reader := "Bearer " + iss.Token(t, "", "alice", "pets/read", audience)
	writer := "Bearer " + iss.Token(t, "", "bob", "pets/read pets/write", audience)
	other := "Bearer " + iss.Token(t, "https://other.example", "eve", "pets/write", audience)
	const www = "Www-Authenticate"
	return []Request{
		{Method: "GET", Path: "/health", Status: 200, Want: "ok"},
		{Method: "GET", Path: "/pets", Status: 401, Want: `{"message":"Unauthorized"}`, WantHeader: []string{www, ""}},
		{Method: "GET", Path: "/pets", Header: []string{"Authorization", reader}, Status: 200, Want: `{"for":"alice","pets":["Rex","Tom"]}`},
		{Method: "POST", Path: "/pets", Body: `{"name":"Kit"}`, Header: []string{"Authorization", reader}, Status: 403, Want: `{"message":"Forbidden"}`,
			WantHeader: []string{www, `Bearer scope="pets/write" error="insufficient_scope" error_description="the token does not have the required scope"`}},
		{Method: "POST", Path: "/pets", Body: `{"name":"Kit"}`, Header: []string{"Authorization", writer, "Content-Type", "application/json"}, Status: 201, Want: `{"added":"Kit","by":"bob"}`},
		{Method: "GET", Path: "/pets", Header: []string{"Authorization", other}, Status: 401, Want: `{"message":"Unauthorized"}`,
			WantHeader: []string{www, `Bearer scope="" error="invalid_token" error_description="the token does not have a valid issuer"`}},
		{Method: "GET", Path: "/admin/stats", Header: []string{"X-Api-Token", "op-token-ops"}, Status: 200, Want: `{"pets":3,"team":"ops"}`},
		{Method: "GET", Path: "/admin/stats", Header: []string{"X-Api-Token", "guess"}, Status: 403, Want: `{"message":"Forbidden"}`},
		{Method: "GET", Path: "/admin/stats", Status: 401, Want: `{"message":"Unauthorized"}`},
		{Method: "GET", Path: "/admin/stats", Header: []string{"Authorization", writer}, Status: 401, Want: `{"message":"Unauthorized"}`},
	}
}

// Chat runs the chat room's conversation (examples/chat) against s,
// whose WebSocket stage is "production": two clients join, talk, send
// what no route takes and what the function cannot read, one leaves, and
// a name too long is refused.
func Chat(t testing.TB, s *gatewaytest.Server) {
	t.Helper()
	alice := s.Dial("/production?name=alice")
	bob := s.Dial("/production?name=bob")
	alice.Expect(`{"type":"joined","from":"bob"}`)

	bob.Send(`{"action":"sendmessage","data":"hi alice"}`)
	alice.Expect(`{"type":"message","from":"bob","text":"hi alice"}`)
	bob.Expect(`{"type":"message","from":"bob","text":"hi alice"}`)

	// $default is two-way: the sender gets the usage.
	alice.Send(`{"action":"dance"}`)
	var u map[string]string
	if err := json.Unmarshal([]byte(alice.Receive()), &u); err != nil || u["error"] != "unknown action" {
		t.Errorf("unknown action: %v %v", u, err)
	}
	// A message the function cannot read is a function error: the
	// gateway's error message goes back.
	alice.Send(`{"action":"sendmessage","data":1}`)
	if got := alice.Receive(); !strings.HasPrefix(got, `{"message": "Internal server error"`) {
		t.Errorf("bad message: %s", got)
	}

	alice.Close(1000, "bye")
	bob.Expect(`{"type":"left","from":"alice"}`)

	// A name too long refuses the handshake with the function's status.
	if _, resp, err := s.DialErr("/production?name=" + strings.Repeat("x", 33)); err == nil || resp == nil || resp.StatusCode != 400 {
		t.Errorf("long name: %v, %v; want the handshake refused with 400", resp, err)
	}
}
