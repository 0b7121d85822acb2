// Package sigv4 signs API Gateway Management API requests for AWS: a
// connection.Signer that adds Signature Version 4 for the service
// execute-api with the AWS SDK for Go v2's signer, and [New], the
// connection.Endpoint a function in Lambda uses. It is a package of its
// own so that handlers that only import package connection (and tests
// against the local gateway or connection.Fake) do not carry the SDK.
//
// Credentials come from an aws.CredentialsProvider, such as the one of
// an aws.Config loaded with the SDK's config package; [EnvCredentials]
// reads the variables Lambda sets for the function's role
// (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN).
package sigv4
