// Package lambdaservice holds the differential test of the local Lambda
// service (package lambdaservice of the main module) against the AWS
// Lambda Runtime Interface Emulator: one bootstrap, the main module's
// test function (internal/testfn) built for Linux as a deployment is
// built, runs under both, and each scenario sends both the same
// invocations with the same headers. The test compares what each
// returned, byte for byte for outputs and runtime-reported errors, by type
// and message for the errors the service makes itself, and whether the
// next invocation ran in a new process, allowing only the differences
// recorded in the main module's docs/evidence/runtime.md, each of which it
// checks.
//
// A second test drives the service's Invoke API with the AWS SDK for Go
// v2's Lambda client (Invoke, asynchronous and dry-run invocations,
// errors, InvokeWithResponseStream), the clients `sam local start-lambda`
// users point at their local endpoint.
//
// The emulator is the tool pinned in this module's go.mod, built from the
// module cache; LAMBDAGATE_REQUIRE_RUNTIME_E2E=1 makes its absence a
// failure instead of a skip, as in package lambdaruntime, whose harness
// (internal/runtimetest) this package shares.
package lambdaservice
