// Package websocket is the WebSocket protocol under the local gateway's
// WebSocket APIs: an [Upgrader] built on github.com/coder/websocket, which
// gateway.API.Upgrader takes. Package gateway does not import it, so that
// a program serving no WebSocket API (every plain lambdagate.Start
// handler) does not carry the library; a program that serves a WebSocket
// API imports this package and sets the field:
//
//	api := gateway.API{Kind: event.WebSocket, Upgrader: websocket.Upgrader{}, Routes: routes}
//
// gatewaytest sets it itself.
package websocket
