// Package lambdagate runs HTTP APIs on AWS Lambda behind Amazon API
// Gateway (REST APIs, HTTP APIs, WebSocket APIs), Application Load
// Balancers and function URLs, with what AWS does reproduced case by case.
//
// A function receives one typed request and returns one typed response,
// whatever source sent it. The packages follow the data flow:
//
//	Lambda: invoke bytes → Adapter → event.Decode → middleware (cors) → route → handler → response → bytes
//	Local:  HTTP → gateway (builds the event AWS would send) → the same bytes path → the response AWS would give
//
// This package is the program entry: [Start] runs a [Handler] in Lambda,
// and anywhere else serves it through the local API Gateway (package
// gateway) on a local address, so one main runs in both places.
// [Function] says more: a function at the bytes level, response
// streaming, the API the function sits behind locally. The handler
// vocabulary (Handler, HandlerFunc, Middleware, Adapter, Invoker,
// InvokeMode) is defined in package handler and named here too.
//
// # Packages
//
//   - handler: the vocabulary every stage shares, and the Adapter (the
//     bytes path).
//   - event: the request, its decoder and encoder for every source,
//     conversions with aws-lambda-go's types and net/http, and fabricated
//     events for tests.
//   - response: the response a handler returns, its encoding for every
//     source, and the answers a function gives as the gateway would.
//   - route: API Gateway's own routing (route keys, precedence).
//   - mapping: REST mapping templates (VTL), request validation and
//     integration responses.
//   - cors: API Gateway's CORS behaviour.
//   - nethttp: any net/http handler as a Handler.
//   - gateway, gateway/gatewaytest: the local API Gateway, the one engine
//     that turns HTTP requests and WebSocket messages into events and
//     function output into responses, and its test helper;
//     gateway/websocket, the WebSocket protocol under its WebSocket APIs.
//   - connection, connection/sigv4: the function side of WebSocket APIs,
//     a client of the API Gateway Management API (@connections), signed
//     for AWS by sigv4, with an in-memory fake for tests.
//   - lambdaservice: local Lambda, which runs a function's executable as
//     processes speaking the Lambda Runtime API, each function an Invoker
//     a gateway.Proxy calls, and serves the Lambda Invoke API.
//   - authorizer: writing Lambda authorizers and reading their answers
//     (IAM policies and their evaluation); gateway/jwtauth and
//     gateway/iamauth: JWT authorizers and IAM authorization for the
//     local gateway, apart so that only programs using them link a JOSE
//     library or the AWS SDK's signer.
//
// # Glossary
//
// One name per concept, across the packages:
//
//   - Handler: the interface that answers one event.Request with one
//     response.Response (handler.Handler). Nothing else is called a
//     Handler; net/http's http.Handler keeps its own package's name.
//   - Invoker: a Lambda function at the bytes level, event JSON in, output
//     JSON out (handler.Invoker; aws-lambda-go's lambda.Handler has its
//     method set). An Adapter is the Invoker of a Handler.
//   - Function: the Lambda function program Start runs ([Function]); in
//     gateway configuration, the Invoker an integration calls
//     (gateway.Proxy.Function).
//   - Source (event.Source): the kind of API or service in front of a
//     function: REST, HTTPAPI, WebSocket, ALB, ALBMultiValue,
//     FunctionURL. route.Config.Source, gateway.API.Kind, Local.Kind,
//     LAMBDAGATE_SOURCE and the command line's --source all take it.
//   - Payload version (event.PayloadVersion): an HTTP API integration's
//     payload format, 1.0 or 2.0.
//   - Invoke mode (handler.InvokeMode): Buffered or ResponseStream, how
//     Lambda returns a function's output; "streaming" means only this.
//     A response's body that is produced over time is its Stream
//     (response.Response.Stream, built by response.Stream).
//   - Gateway: the local API Gateway emulator (gateway.Gateway), and
//     nothing else.
//   - Route key: "GET /pets/{id}", "$default", "$connect": what route
//     registers and what events carry.
//   - Stage: an API Gateway stage; ALB target groups and function URLs
//     have none.
//   - Authorizer: what decides whether a request reaches its
//     integration. The function that decides is a Lambda authorizer
//     (authorizer.Func, authorizer.SimpleFunc, an Invoker); in gateway
//     configuration, gateway.Authorizer is the one interface every kind
//     implements (gateway.LambdaAuthorizer, jwtauth, iamauth), and
//     event.Authorizer is what the integration's event carries of its
//     answer (requestContext.authorizer).
//   - Middleware: func(Handler) Handler. cors.CORS.HTTPMiddleware is the
//     same stage for net/http handlers.
//
// Configuration is data: route.Config, cors.Config, nethttp.Config,
// gateway.API, event.Builder and [Function] are structs whose zero values
// are the defaults. Routes register one of two ways: Handle panics on an
// error, Register returns it.
package lambdagate
