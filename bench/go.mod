module github.com/lambdagate/lambdagate/bench

go 1.26.8

require (
	github.com/aws/aws-lambda-go v1.55.1
	github.com/awslabs/aws-lambda-go-api-proxy v0.16.2
	github.com/coder/websocket v1.8.15
	github.com/go-chi/chi/v5 v5.5.0
	github.com/go-jose/go-jose/v4 v4.1.9
	github.com/julienschmidt/httprouter v1.3.0
	github.com/lambdagate/lambdagate v0.0.0
	github.com/rs/cors v1.11.1
)

require (
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	golang.org/x/net v0.48.0 // indirect
	golang.org/x/text v0.32.0 // indirect
	golang.org/x/time v0.16.0 // indirect
)

replace github.com/lambdagate/lambdagate => ../
