#!/bin/sh
# Runs the Lambda runtime end-to-end tests (module e2e, packages
# lambdaruntime and lambdaservice): each example, and a test function,
# built as a Linux bootstrap and run under the AWS Lambda Runtime Interface
# Emulator on loopback, and the test function under the local Lambda
# service and the emulator side by side. The emulator is the tool pinned in e2e/go.mod; the tests build
# it from the Go module proxy. LAMBDAGATE_REQUIRE_RUNTIME_E2E=1 makes a
# missing emulator (or a system other than Linux) a failure instead of a
# skip.
set -eu
cd "$(dirname "$0")/../e2e"

go vet ./...
LAMBDAGATE_REQUIRE_RUNTIME_E2E=1 go test -race -shuffle=on -count=1 -timeout 5m ./lambdaruntime/ ./lambdaservice/
