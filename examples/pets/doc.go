// Command pets is an HTTP API (payload 2.0) in front of one Lambda function
// that routes with API Gateway's own route keys:
//
//	GET /pets           list the pets (the 2.0 shorthand: a bare JSON value)
//	GET /pets/{id}      one pet, or 404
//	POST /pets          add a pet from a JSON body; sets a cookie
//	ANY /pets/{proxy+}  everything deeper under /pets (toys, photos, …)
//	$default            anything else
//
// The API has the $default stage at the root and a named stage, "v1",
// under /v1/, and built-in CORS for a browser app at http://localhost:3000.
//
// In Lambda it runs the function; anywhere else, go run ./examples/pets
// serves the whole API locally, as template.yaml deploys it.
package main
