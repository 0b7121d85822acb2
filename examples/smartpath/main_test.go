package main

import (
	"encoding/json"
	"testing"

	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
)

func TestSmartpathAPI(t *testing.T) {
	s := gatewaytest.New(t, API(NewFunction()))
	do := s.Fetch
	// "Renée" and "café" in windows-1252: é is the single byte 0xE9.
	order := "<?xml version=\"1.0\" encoding=\"windows-1252\"?><order><customer>Ren\xe9e</customer><item name=\"caf\xe9\" qty=\"2\"/><item name=\"th\xe9\" qty=\"1\"/></order>"
	resp, body := do("POST", "/prod/smartpath", order, "Content-Type", "text/xml; charset=windows-1252")
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
	if resp.StatusCode != 200 || json.Unmarshal([]byte(body), &got) != nil || got.Received.Customer != "Renée" ||
		got.Lines != 2 || got.Received.Items[0].Name != "café" || got.Received.Items[0].Qty != 2 {
		t.Errorf("POST order = %d %s", resp.StatusCode, body)
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
