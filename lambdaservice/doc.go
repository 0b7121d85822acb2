// Package lambdaservice is Lambda on your machine: it runs a function's
// executable (a Go bootstrap, built for this machine) as real processes
// speaking the Lambda Runtime API, invokes them as Lambda does, and serves
// the Lambda Invoke API, with no Docker and no AWS account.
//
// In the data flow it sits under the gateway:
//
//	HTTP → gateway (event) → Function.Invoke → instance's Runtime API → the function's process → output → gateway (response)
//	SDK → Service.ServeHTTP (Invoke API) → Function → ...
//
// A [Service] holds functions; [Service.Add] adds one from a
// [FunctionConfig] (a built Executable, or a Package to build). Each
// [Function] is a handler.Invoker and a handler.StreamInvoker, so a
// gateway.Proxy calls it directly, and the Service is an http.Handler
// serving the Invoke API to AWS SDKs and tools, as `sam local
// start-lambda` does. [Function.Update] swaps a function's code (after a
// rebuild, say) without losing invocations in flight.
//
// # Instances
//
// An instance is one execution environment: a process of the executable,
// in a process group of its own, with its own Runtime API on a loopback
// port (AWS_LAMBDA_RUNTIME_API). Its environment is Lambda's
// (AWS_LAMBDA_FUNCTION_NAME, _VERSION, _MEMORY_SIZE, AWS_REGION,
// AWS_DEFAULT_REGION, _HANDLER, LAMBDA_TASK_ROOT, TZ, the log group and
// stream, ...) plus the configured variables, and from this process only
// PATH and AWS credentials; its working directory is the task root.
//
// An instance runs one invocation at a time. An invoke takes the idle
// instance that became idle last, starts a new one while fewer than the
// function's concurrency limit run, or waits for one to become idle
// (Config.Throttle refuses it instead, with Lambda's 429). An instance is
// idle again once its runtime has answered, and reused: warm invocations
// cost no process start.
//
// # Failures
//
// Each ends the invocation with the function error Lambda reports (a
// [handler.FunctionError]), and an instance that failed is replaced by
// the next invoke:
//
//   - the runtime reports an error (POST .../error): the document it
//     posted, as posted; the instance goes on;
//   - the invocation runs past the function's Timeout: Sandbox.Timedout,
//     "RequestId: ID Error: Task timed out after N.NN seconds", and the
//     process group is killed;
//   - the process exits before answering: Runtime.ExitError, "RequestId:
//     ID Error: Runtime exited with error: exit status N" ("Runtime exited
//     without providing a reason" for status 0);
//   - the initialisation fails: the document posted to /init/error, or
//     Runtime.ExitError when the process exits; an initialisation longer
//     than Config.InitTimeout (10 s) goes on within the invocation, bounded
//     by the function's timeout, as Lambda retries it there;
//   - the executable cannot be started: Runtime.InvalidEntrypoint;
//   - a buffered response over 6 MB: Function.ResponseSizeTooLarge, and
//     the runtime is answered 413 as Lambda answers it.
//
// An invoke the service refuses before anything runs (unknown function,
// payload over the quota or not JSON, throttled, service closed) is a
// [handler.InvokeError], which the gateway answers as a rejected invoke,
// as it answers gateway.Remote's.
//
// # Logs
//
// Each line a function writes to standard output or error goes to
// Config.Logs prefixed with the function's name and the request id of the
// invocation that wrote it, with the START, END and REPORT lines Lambda
// adds. The Invoke API returns the last 4 KB of an invocation's log with
// X-Amz-Log-Type: Tail.
//
// # Processes
//
// No process outlives the service: [Service.Close], or the end of the
// context given to [New], kills every instance's process group and
// returns once they have exited; on Linux a process whose service dies
// without closing is killed too (the parent-death signal). Instances
// listen on 127.0.0.1 only.
//
// The evidence for each rule, and the decisions where Lambda's behaviour
// is unrecorded, are in the repository's docs/evidence/runtime.md, from
// docs/evidence/runtime.md#local-runtime-api on; a differential test in
// the e2e module runs the same bootstrap under the service and under the
// AWS Lambda Runtime Interface Emulator and compares what each returns.
package lambdaservice
