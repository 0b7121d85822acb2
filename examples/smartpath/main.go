package main

import (
	"fmt"
	"os"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/examples/smartpath/smartpath"
)

func main() {
	fn := smartpath.NewFunction()
	api := smartpath.API(fn)
	lambdagate.Function{Invoker: fn, Local: lambdagate.Local{API: &api, Ready: func(base string) {
		fmt.Fprintf(os.Stderr, "try:\n  printf '<order><customer>Ren\\xe9e</customer><item name=\"caf\\xe9\" qty=\"2\"/></order>' | curl -H 'Content-Type: text/xml; charset=windows-1252' --data-binary @- %s/prod/smartpath\n  curl -X POST -H 'Content-Type: text/xml' -d '<order/>' '%s/prod/smartpath?mistake=object-body'\n", base, base)
	}}}.Start()
}
