package sam_test

import (
	"fmt"
	"log"

	"github.com/lambdagate/lambdagate/sam"
)

// A template read into what runs locally: the pet store's HTTP API with
// its two stages, in front of one Go function built from its CodeUri.
// sam.Start would build the function and serve the API;
// gatewaytest.New(t, stack.API("PetsApi")) tests it.
func ExampleOpen() {
	app, err := sam.Open("../examples/pets/template.yaml", sam.Options{})
	if err != nil {
		log.Fatal(err)
	}
	for _, f := range app.Functions {
		fmt.Println("function", f.LogicalID, f.Runtime, f.BuildMethod, f.Config.Timeout)
	}
	for _, api := range app.APIs {
		fmt.Println("API", api.Name, api.API.Kind, len(api.API.Routes), "routes")
		for _, st := range api.API.Stages {
			fmt.Println("  stage", st.Name)
		}
	}
	// Output:
	// function PetsFunction provided.al2023 go1.x 10s
	// API PetsApi http 5 routes
	//   stage $default
	//   stage v1
}
