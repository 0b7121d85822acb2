package trace_test

import (
	"fmt"
	"time"

	"github.com/lambdagate/lambdagate/internal/trace"
)

// A client's trace passes through API Gateway whole, even when the stage
// does not trace; Lambda then gives the function the same Root with its
// own Parent, and the REST API answers the client with the Root.
func ExampleFromRequest() {
	client := "Root=1-5759e988-bd862e3fe1be46a994272793;CalledFrom=app"
	h := trace.FromRequest(client, time.Now(), trace.Passive, false)
	fmt.Println(h)

	fn := trace.ForFunction(h, time.Now())
	fmt.Println(fn.Root(), fn.Sampled(), trace.ValidID(fn.Parent()))

	fmt.Println(h.Response())
	// Output:
	// Root=1-5759e988-bd862e3fe1be46a994272793;CalledFrom=app
	// 1-5759e988-bd862e3fe1be46a994272793 0 true
	// Root=1-5759e988-bd862e3fe1be46a994272793;Sampled=0
}

// Parse keeps every field, in order, so a header comes back as it was.
func ExampleParse() {
	h, err := trace.Parse("Self=1-67891233-12456789abcdef012345678;Root=1-67891233-abcdef012345678912345678;CalledFrom=app")
	if err != nil {
		panic(err)
	}
	fmt.Println(h.Root())
	fmt.Println(h)

	_, err = trace.Parse("Root=1-67891233-abcdef012345678912345678;garbage")
	fmt.Println(err)
	// Output:
	// 1-67891233-abcdef012345678912345678
	// Self=1-67891233-12456789abcdef012345678;Root=1-67891233-abcdef012345678912345678;CalledFrom=app
	// trace: at offset 41: field "garbage" has no '='
}
