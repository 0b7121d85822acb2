package main

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-lambda-go/lambda"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/examples/exampletest"
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

// TestSmartpathAPI drives the API through the gateway over a loopback
// socket, with the table lambdagate serve's test sends to the template's
// function process.
func TestSmartpathAPI(t *testing.T) {
	exampletest.Run(t, gatewaytest.New(t, smartpath.API(smartpath.NewFunction())), exampletest.Smartpath)
}
