// Package e2e holds end-to-end tests that drive a real browser. It is a
// separate module so that the browser driver never enters the main
// module's dependencies.
//
// TestRouteIntegration runs the CORS middleware around a real route.Router.
// Package e2e/websocket drives the WebSocket chat example in two browser
// tabs and calls the local Management API with the AWS SDK's client.
// The browser tests need the Chromium browser (Debian package chromium) and fail,
// naming the package, when it is missing. Run them with
//
//	cd e2e && go test ./...
package e2e
