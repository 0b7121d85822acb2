package main

import (
	"fmt"
	"os"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/examples/calc/calc"
)

func main() {
	fn := calc.Function()
	api, err := calc.API(fn.Invoke)
	if err != nil {
		fmt.Fprintln(os.Stderr, "calc:", err)
		os.Exit(1)
	}
	lambdagate.Function{Invoker: fn, Local: lambdagate.Local{API: &api, Ready: func(base string) {
		fmt.Println("The Calc API is up. Try:")
		for _, t := range calc.Tries {
			args := t.Args
			if args != "" {
				args += " "
			}
			fmt.Printf("  curl -i %s'%s%s'\n", args, base, t.Path)
		}
	}}}.Start()
}
