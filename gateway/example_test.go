package gateway_test

import (
	"fmt"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
)

// An OutputReader shows what a client gets for a function's output: here
// a REST API refusing an output with an unknown member.
func ExampleOutputReader_Read() {
	rest := gateway.OutputReader{Kind: event.REST}
	r, err := rest.Read([]byte(`{"statusCode":200,"body":"hi","extra":true}`), false)
	fmt.Println(r.Status(), r.Header.Get("x-amzn-ErrorType"), string(r.Body), err)
	// Output: 502 InternalServerErrorException {"message":"Internal server error"} gateway: output the gateway cannot read
}
