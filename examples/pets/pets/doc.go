// Package pets is the pets example's function and its API in Go, for the
// pets example command and for tools that serve it in process (the
// lambdagate command's built-in functions).
package pets
