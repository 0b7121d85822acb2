// Package local serves one Lambda function over HTTP the way its event
// source fronts it: each request becomes the event the source would send
// (event.Builder), goes through the function's invoke bytes path, and the
// output becomes the response the source would give (response.Gateway).
//
// It is the engine behind lambdagate.Start outside Lambda: one function
// behind a catch-all route.
package local
