module github.com/lambdagate/lambdagate

go 1.26.0

require (
	github.com/aws/aws-lambda-go v1.55.1
	github.com/aws/aws-sdk-go-v2 v1.48.0
	github.com/coder/websocket v1.8.15
	github.com/go-jose/go-jose/v4 v4.1.9
	github.com/google/go-cmp v0.7.0
	github.com/santhosh-tekuri/jsonschema/v6 v6.0.3
	golang.org/x/net v0.48.0
	golang.org/x/text v0.32.0
	golang.org/x/time v0.16.0
)

require github.com/aws/smithy-go v1.28.9 // indirect
