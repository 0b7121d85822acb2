package response_test

import (
	"fmt"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/response"
)

// Marshal shapes one response for each source: cookies go where each
// source reads them.
func ExampleMarshal() {
	r := response.Text(200, "ok")
	r.Cookies = []string{"session=1; HttpOnly"}
	for _, src := range []event.Source{event.REST, event.HTTPAPI} {
		out, _ := response.Marshal(event.New(src, "GET", "/", nil), r)
		fmt.Println(string(out))
	}
	// Output:
	// {"statusCode":200,"multiValueHeaders":{"Content-Type":["text/plain; charset=utf-8"],"Set-Cookie":["session=1; HttpOnly"]},"body":"ok","isBase64Encoded":false}
	// {"statusCode":200,"headers":{"Content-Type":"text/plain; charset=utf-8"},"cookies":["session=1; HttpOnly"],"body":"ok","isBase64Encoded":false}
}

// Gateway.Respond answers what a client gets for a function's output: here
// a REST API refusing an output with an unknown member.
func ExampleGateway_Respond() {
	gw := response.Gateway{Source: event.REST}
	r := gw.Respond([]byte(`{"statusCode":200,"body":"hi","extra":true}`), false)
	fmt.Println(r.Status(), r.Header.Get("x-amzn-ErrorType"), string(r.Body))
	// Output: 502 InternalServerErrorException {"message":"Internal server error"}
}
