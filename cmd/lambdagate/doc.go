// Command lambdagate answers questions about API Gateway behaviour offline
// and runs API Gateway definitions locally: which route takes a request
// (match), what a mapping template renders (render), what event a source
// sends for a request (event), an OpenAPI definition served as API Gateway
// would deploy it (serve), and the OpenAPI definition of a Go API
// (export).
//
// Usage:
//
//	lambdagate <command> [flags] [args]
//
// Run "lambdagate <command> -h" for a command's flags.
//
// # Reaching a Go program's API
//
// export reads the API of a Go package that declares
//
//	func API() (gateway.API, error)
//
// It builds a small program in a temporary directory of that package's
// module, so that the module's go.mod chooses every version, runs it and
// removes it. The module must require github.com/lambdagate/lambdagate/openapi,
// which "go get -tool github.com/lambdagate/lambdagate/cmd/lambdagate"
// adds; then a go:generate line keeps a definition up to date:
//
//	//go:generate go tool lambdagate export -o openapi.yaml --sam --function MyFunction .
//
// A command (package main) cannot be imported: keep API in a package of
// its own, as the repository's examples do.
//
// The command is a module of its own, so that the OpenAPI library it uses
// never reaches the programs a plain handler builds.
package main
