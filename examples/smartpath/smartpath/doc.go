// Package smartpath is the smartpath example's function and its API in Go, for the
// smartpath example command and for tools that serve it in process (the
// lambdagate command's built-in functions).
package smartpath
