// Package connection is the function side of a WebSocket API: a [Client]
// that posts messages to the API's clients, reads their connections'
// state and disconnects them, through the API Gateway Management API
// (POST, GET and DELETE on {endpoint}/@connections/{id}).
//
// [Endpoint] calls the Management API at an endpoint URL over HTTP. The
// local gateway (package gateway) answers it without signatures; in AWS
// the requests must be signed with Signature Version 4, which package
// connection/sigv4 adds with the AWS SDK for Go v2's signer, so that this
// package and the handlers that import it stay free of the SDK.
// [EndpointFor] gives the endpoint of the API that sent an event, in AWS
// and locally alike.
//
// [Fake] is an in-memory Client for unit tests: it records what was sent
// and deleted, and answers [ErrGone] for connections the test marked
// gone.
//
// # Errors
//
// A connection that is gone (closed, or never known) is [ErrGone], which
// the Management API reports as 410 GoneException; other refusals are an
// [*Error] with the status and the error code. Both compare with
// errors.Is and errors.As.
//
// Clients are safe for concurrent use.
package connection
