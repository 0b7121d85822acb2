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

// FunctionError is what each source's client gets when the function
// fails; the Adapter answers it for REST and HTTP APIs when a handler
// returns an error.
func ExampleFunctionError() {
	for _, src := range []event.Source{event.REST, event.HTTPAPI} {
		r := response.FunctionError(src)
		fmt.Println(src, r.Status(), r.Header.Get("x-amzn-ErrorType"), string(r.Body))
	}
	// Output:
	// rest 502 InternalServerErrorException {"message":"Internal server error"}
	// http 500  {"message":"Internal Server Error"}
}
