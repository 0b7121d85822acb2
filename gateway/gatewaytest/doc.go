// Package gatewaytest runs API Gateway in tests, in the style of
// net/http/httptest: build a gateway around handlers in one call, then
// send it requests without opening a port, or with one when a real client
// is needed.
//
// WebSocket APIs are tested over a loopback socket: [WebSocket] builds
// one, [Server.Dial] connects, and a [Conn] sends, receives what the
// gateway pushes (route responses, error messages, posts through the
// Management API, which [Server.Connections] reaches) and reports how the
// gateway closed it; every wait is bounded by [WaitTimeout].
//
// Helpers here fail the test on a bad API definition, as test helpers do.
package gatewaytest
