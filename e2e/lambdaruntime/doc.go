// Package lambdaruntime holds the runtime end-to-end tests: each example,
// and a test function (internal/testfn), built as the Linux bootstrap a
// deployment uses and run under the AWS Lambda Runtime Interface Emulator
// on loopback, as Lambda runs it: aws-lambda-go's runtime loop against
// the Runtime API, the invoke payload in, the function output out.
//
// The tests send every aws-lambda-go sample event of the sources a
// function serves, events aimed at its routes, malformed and oversized
// payloads, and check what comes back: status, headers, cookies, base64
// bodies and streamed bodies, in the shape the source reads. After every
// case they check that the runtime process survived: the same process
// answers a normal request and the emulator's log shows no exit and no new
// init. The test function's outputs are also compared, byte for byte,
// with what its handler gives in process (lambdagate.Adapter), so the
// runtime path adds and loses nothing.
//
// # How it runs
//
// The emulator is the tool pinned in this module's go.mod and built from
// the module cache. The emulator runs the bootstrap in its default
// (single-concurrency) mode; the runtime reaches the Runtime API through
// a recording proxy in the test process, so the tests see what the
// function posted (content type, body, the time each chunk arrived, a
// function error) as well as what the emulator returned. Every emulator
// and runtime process is killed, by process group, when its test ends.
// The harness this package shares with package lambdaservice (builds,
// the emulator's processes, skips) is internal/runtimetest.
//
// # Environment
//
//   - LAMBDAGATE_ROOT: the lambdagate checkout whose examples and library
//     are built (default: the checkout holding this module).
//   - LAMBDAGATE_REQUIRE_RUNTIME_E2E=1: fail instead of skipping when the
//     emulator cannot be built or run here (not Linux, no go command,
//     the emulator module not available). CI sets it.
package lambdaruntime
