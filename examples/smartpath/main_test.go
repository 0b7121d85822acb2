package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/examples/smartpath/smartpath"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
)

// checkOrder checks the answer to the test order.
func checkOrder(t *testing.T, name string, status int, body string) {
	t.Helper()
	var got struct {
		Received struct {
			Customer string
			Items    []struct {
				Name string
				Qty  int
			}
		}
		Lines int
	}
	if status != 200 || json.Unmarshal([]byte(body), &got) != nil || got.Received.Customer != "Renée" ||
		got.Lines != 2 || got.Received.Items[0].Name != "café" || got.Received.Items[0].Qty != 2 {
		t.Errorf("%s: POST order = %d %s", name, status, body)
	}
}

// TestSmartpathRuntime invokes the function through aws-lambda-go's own
// handler entry, as the Lambda runtime does, with the REST event API
// Gateway sends for the printed curl: XML in windows-1252 declared only in
// the Content-Type, base64-encoded as a binary media type.
func TestSmartpathRuntime(t *testing.T) {
	b := event.Builder{Source: event.REST, Stage: "prod", Resource: "/smartpath", BinaryMediaTypes: []string{"text/xml"}}
	hr, _ := http.NewRequest("POST", "/smartpath", strings.NewReader("<order><customer>Ren\xe9e</customer><item name=\"caf\xe9\" qty=\"2\"/><item name=\"th\xe9\" qty=\"1\"/></order>"))
	hr.Header.Set("Content-Type", "text/xml; charset=windows-1252")
	req, err := b.FromHTTP(hr)
	if err != nil {
		t.Fatal(err)
	}
	if !req.IsBase64Encoded {
		t.Fatal("the event does not carry the body base64-encoded, as a binary media type makes API Gateway send it")
	}
	payload, _ := req.MarshalJSON()
	out, err := lambda.NewHandler(smartpath.NewFunction()).Invoke(context.Background(), payload)
	if err != nil {
		t.Fatalf("Invoke: %v", err)
	}
	var o struct {
		StatusCode int
		Body       string
	}
	if err := json.Unmarshal(out, &o); err != nil {
		t.Fatalf("output %s: %v", out, err)
	}
	checkOrder(t, "runtime", o.StatusCode, o.Body)
}

func TestSmartpathAPI(t *testing.T) {
	s := gatewaytest.New(t, smartpath.API(smartpath.NewFunction()))
	do := s.Fetch
	// "Renée" and "café" in windows-1252: é is the single byte 0xE9. The
	// charset may be in the Content-Type (as the example's printed curl
	// sends it), in the XML declaration, or in both.
	const order1252 = "<order><customer>Ren\xe9e</customer><item name=\"caf\xe9\" qty=\"2\"/><item name=\"th\xe9\" qty=\"1\"/></order>"
	const decl1252 = "<?xml version=\"1.0\" encoding=\"windows-1252\"?>"
	var resp *http.Response
	var body string
	for _, tt := range []struct{ name, body, ct string }{
		{"charset in Content-Type only", order1252, "text/xml; charset=windows-1252"},
		{"charset in both", decl1252 + order1252, "text/xml; charset=windows-1252"},
		{"charset in the declaration only", decl1252 + order1252, "text/xml"},
		{"UTF-8", "<order><customer>Renée</customer><item name=\"café\" qty=\"2\"/><item name=\"thé\" qty=\"1\"/></order>", "application/xml"},
	} {
		resp, body = do("POST", "/prod/smartpath", tt.body, "Content-Type", tt.ct)
		checkOrder(t, tt.name, resp.StatusCode, body)
	}
	if resp.Header.Get("Access-Control-Allow-Origin") != "*" || resp.Header.Get("X-Amzn-Requestid") == "" {
		t.Errorf("proxy response headers = %v", resp.Header)
	}

	// The OPTIONS mock that "Enable CORS" creates.
	resp, body = do("OPTIONS", "/prod/smartpath", "", "Origin", "https://app.example", "Access-Control-Request-Method", "POST")
	if resp.StatusCode != 200 || body != "" || resp.Header.Get("Access-Control-Allow-Methods") != "OPTIONS,POST" ||
		resp.Header.Get("Access-Control-Allow-Origin") != "*" ||
		resp.Header.Get("Access-Control-Allow-Headers") != "Content-Type,X-Amz-Date,Authorization,X-Api-Key,X-Amz-Security-Token" {
		t.Errorf("preflight = %d %q %v", resp.StatusCode, body, resp.Header)
	}

	for _, tt := range []struct {
		method, path, body, ct string
		status                 int
		want                   string
		errType                string
	}{
		{"POST", "/prod/smartpath?mistake=object-body", "<order/>", "text/xml", 502, `{"message":"Internal server error"}`, "InternalServerErrorException"},
		{"POST", "/prod/smartpath", "<order>", "text/xml", 400, `{"message":"invalid XML: XML syntax error on line 1: unexpected EOF"}`, ""},
		{"POST", "/prod/smartpath", `{"a":1}`, "application/json", 415, `{"message":"send text/xml"}`, ""},
		{"GET", "/prod/smartpath", "", "", 403, `{"message":"Missing Authentication Token"}`, "MissingAuthenticationTokenException"},
		{"POST", "/smartpath", "<order/>", "text/xml", 403, `{"message":"Missing Authentication Token"}`, "MissingAuthenticationTokenException"},
	} {
		resp, body := do(tt.method, tt.path, tt.body, "Content-Type", tt.ct)
		if resp.StatusCode != tt.status || body != tt.want || resp.Header.Get("X-Amzn-Errortype") != tt.errType {
			t.Errorf("%s %s = %d %s %q, want %d %s %q", tt.method, tt.path, resp.StatusCode, body, resp.Header.Get("X-Amzn-Errortype"), tt.status, tt.want, tt.errType)
		}
	}
}
