// Command chat is a WebSocket API in front of one Lambda function: a chat
// room, the API Gateway developer guide's chat tutorial in Go. Clients
// connect with their name in the query string and send JSON messages
// whose "action" member selects the route (the route selection expression
// $request.body.action):
//
//	$connect       ?name=alice joins the room; the others are told
//	$disconnect    leaves the room; the others are told
//	sendmessage    {"action":"sendmessage","data":"hello"} goes to everyone
//	$default       anything else: a two-way route that answers with usage
//
// The function reaches the clients through the API Gateway Management API
// (package connection): signed with Signature Version 4 in Lambda
// (connection/sigv4), unsigned against the local gateway.
//
// The room lives in the function's memory, which is enough locally and
// for a demonstration in Lambda (template.yaml keeps one execution
// environment with a reserved concurrency of 1); a chat for real keeps
// the connections in a table, such as DynamoDB.
//
// In Lambda it runs the function; anywhere else, go run ./examples/chat
// serves the whole API locally, as template.yaml deploys it, and prints
// how to connect.
package main
