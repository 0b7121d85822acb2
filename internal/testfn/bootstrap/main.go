// Command bootstrap is package testfn as a Lambda bootstrap.
package main

import "github.com/lambdagate/lambdagate/internal/testfn"

func main() { testfn.Main() }
