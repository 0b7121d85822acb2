// Package runtimetest is the harness the runtime end-to-end tests share
// (packages lambdaruntime and lambdaservice of this module): it builds the
// AWS Lambda Runtime Interface Emulator and Linux bootstraps once per
// run, runs a bootstrap under the emulator on loopback, and kills every
// process it started when the test ends. It is for tests only.
//
// # Rules
//
//   - A package that uses it calls [Main] from its TestMain: what the
//     tests build goes to one work directory, removed after the run.
//   - Its tests run in their package's directory, one level below this
//     module's (the go command's default), so [ModuleDir] is "..".
//   - What the environment lacks (Linux, the go command, the emulator)
//     goes through [Unavailable]: the test is skipped, or fails when
//     LAMBDAGATE_REQUIRE_RUNTIME_E2E=1, as CI sets it. A bootstrap that
//     does not build is always a failure.
//   - Every emulator runs in a process group of its own and its runtime
//     in another; [StartEmulator] kills both groups, and every process
//     under the emulator, when the test ends, and waits a bounded time
//     for them to be gone. Every wait for a process is bounded.
//
// The emulator is the tool pinned in this module's go.mod, built from the
// module cache: no script or variable finds it.
package runtimetest
