// Package websocket holds the end-to-end tests of WebSocket APIs: the
// chat example (examples/chat), built and run as go run runs it, driven
// by two tabs of headless Chromium through the local gateway; and the
// AWS SDK for Go's API Gateway Management API client, unchanged, against
// the local gateway's @connections endpoint.
//
// The browser test needs the Chromium browser (Debian package chromium)
// and fails, naming the package, when it is missing. Run them with
//
//	cd e2e && go test ./websocket
package websocket
