package main

import (
	"fmt"
	"os"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/examples/pets/pets"
)

func main() {
	fn := pets.New()
	api := pets.API(fn)
	lambdagate.Function{Handler: fn, Local: lambdagate.Local{API: &api, Ready: func(base string) {
		fmt.Fprintf(os.Stderr, "try:\n  curl %s/pets\n  curl %s/v1/pets/1\n  curl -X POST -H 'Content-Type: application/json' -d '{\"name\":\"Kit\",\"type\":\"cat\"}' %s/pets\n", base, base, base)
	}}}.Start()
}
