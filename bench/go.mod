module github.com/lambdagate/lambdagate/bench

go 1.26.8

require github.com/lambdagate/lambdagate v0.0.0

require (
	github.com/aws/aws-lambda-go v1.55.1 // indirect
	github.com/awslabs/aws-lambda-go-api-proxy v0.16.2 // indirect
	github.com/go-chi/chi/v5 v5.5.0 // indirect
	github.com/julienschmidt/httprouter v1.3.0 // indirect
	github.com/rs/cors v1.11.1 // indirect
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3 // indirect
	golang.org/x/text v0.14.0 // indirect
)

replace github.com/lambdagate/lambdagate => ../
