// Package authorizer is for writing Lambda authorizers and for reading
// what they return, as API Gateway does: IAM policy documents and their
// evaluation, the policy and simple responses, and the function types
// that run an authorizer in Lambda and in the local gateway.
//
// # Writing an authorizer
//
// An authorizer receives an [event.AuthorizerRequest] (REST TOKEN or
// REQUEST, HTTP API payload 1.0 or 2.0, a WebSocket API's $connect) and
// answers with a [Response] (an IAM policy, a principal id, a context) or,
// for an HTTP API with simple responses, a [SimpleResponse]. A WebSocket
// authorizer answers as a REST one does, with the route ARN
// (…/STAGE/$connect) as the resource to allow. [Func] and [SimpleFunc] turn a
// Go function into a Lambda function at the bytes level:
//
//	func authorize(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.Response, error) {
//		user, ok := lookup(req.AuthorizationToken)
//		if !ok {
//			return nil, authorizer.ErrUnauthorized // 401
//		}
//		arn, err := event.ParseARN(req.MethodArn)
//		if err != nil {
//			return nil, err
//		}
//		return authorizer.Allow(user, arn.Resource("*", "GET", "/pets/*")).WithContext("tier", "gold"), nil
//	}
//
//	func main() { lambdagate.Function{Invoker: authorizer.Func(authorize)}.Start() }
//
// Outside Lambda, Start serves the Local.API the authorizer guards: give
// it one whose gateway.LambdaAuthorizer has the same Func as its
// Function, so the local gateway runs the authorizer before each guarded
// route, as API Gateway does (see examples/authz).
//
// Return [ErrUnauthorized] for 401; any other error is 500. Allow a
// wildcard resource when results are cached: API Gateway caches the
// policy by identity source and evaluates it against the caller's later
// requests, so a policy naming only the first request's path refuses the
// next path with 403.
//
// # Policies
//
// [Policy.Evaluate] decides as IAM does for the policies API Gateway
// reads: an explicit Deny wins over any Allow, and no Allow is an
// implicit deny. Resources match as [Match] does ('*' crosses '/' and
// ':', '?' is one character, the whole ARN, case-sensitively); actions
// match case-insensitively. Conditions are evaluated for the keys a local
// gateway knows (aws:SourceIp, aws:CurrentTime, aws:EpochTime,
// aws:UserAgent, aws:Referer, aws:PrincipalArn, aws:PrincipalAccount,
// aws:SecureTransport); [Policy.Check] refuses others.
//
// # Context values
//
// REST APIs and HTTP API payload 1.0 accept only strings, numbers and
// booleans as context values, and pass them on as strings; HTTP API
// payload 1.0 reserves the key "claims"; payload 2.0 passes any JSON
// value on. [Response.Check] says whether API Gateway would accept a
// response; the evidence is in the repository's
// docs/evidence/authorizers.md.
package authorizer
