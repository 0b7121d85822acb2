// Package wsproto is the contract between the local gateway's WebSocket
// APIs (package gateway) and the WebSocket protocol library under them
// (package gateway/websocket): an Upgrader that turns a handshake into a
// Conn, and the errors a Conn reports. It lets package gateway serve
// WebSocket APIs without importing the library, so that a program that
// serves no WebSocket API does not carry it.
package wsproto
