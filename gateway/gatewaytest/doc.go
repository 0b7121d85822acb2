// Package gatewaytest runs API Gateway in tests, in the style of
// net/http/httptest: build a gateway around handlers in one call, then
// send it requests without opening a port, or with one when a real client
// is needed.
//
// Helpers here fail the test on a bad API definition, as test helpers do.
package gatewaytest
