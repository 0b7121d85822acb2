// Command lambdagate answers questions about API Gateway behaviour offline:
// which route takes a request (match), what a mapping template renders
// (render), and what event a source sends for a request (event).
//
// Usage:
//
//	lambdagate <command> [flags] [args]
//
// Run "lambdagate <command> -h" for a command's flags.
package main
