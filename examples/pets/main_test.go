package main

import (
	"context"
	"strings"
	"testing"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/examples/exampletest"
	"github.com/lambdagate/lambdagate/examples/pets/pets"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
)

// TestPetsAPI drives every route and error path through the gateway over a
// loopback socket, as a client of the deployed API would, with the table
// lambdagate serve's test sends to the template's function process.
func TestPetsAPI(t *testing.T) {
	s := gatewaytest.New(t, pets.API(pets.New()))
	exampletest.Run(t, s, exampletest.Pets)
	// The POST in the table set two cookies, one Set-Cookie each.
	resp, _ := s.Fetch("POST", "/pets", `{"name":"Max","type":"dog","price":1}`, "Content-Type", "application/json")
	if c := resp.Header.Values("Set-Cookie"); len(c) != 2 || !strings.HasPrefix(c[0], "last_pet=5") {
		t.Errorf("POST /pets cookies = %q", c)
	}
}

// TestFunction unit-tests the function with fabricated events, no gateway.
func TestFunction(t *testing.T) {
	fn := pets.New()
	resp, err := fn.Serve(context.Background(), event.New(event.HTTPAPI, "GET", "/pets/3", nil))
	if err != nil || resp.Status() != 200 || !strings.Contains(string(resp.Body), "Nemo") {
		t.Errorf("GET /pets/3 = %v %s", err, resp.Body)
	}
	// The bytes path the deployed function runs: the 2.0 shorthand is the
	// bare value.
	payload, _ := event.New(event.HTTPAPI, "GET", "/pets?type=fish", nil).MarshalJSON()
	out, err := lambdagate.NewAdapter(fn).Invoke(context.Background(), payload)
	if err != nil || string(out) != `[{"id":3,"name":"Nemo","type":"fish","price":0.99}]` {
		t.Errorf("Invoke = %s, %v", out, err)
	}
}
