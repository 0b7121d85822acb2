// Package testfn is the Lambda function the local Lambda service's tests
// run, in every module: the root module's tests start their own test
// binary as it (calling [Main] from TestMain), and the end-to-end tests
// build package bootstrap as a Linux bootstrap and run it both under the
// local Lambda service and under the AWS Lambda Runtime Interface
// Emulator, to compare the two.
//
// It runs aws-lambda-go's own runtime loop, so what the Runtime API sees
// is what a deployed Go function sends. Each payload is a JSON object
// whose "do" member says what to do:
//
//	echo      answer the payload itself
//	context   answer what the function sees: the Lambda context, the
//	          environment variables Lambda defines, the process id
//	error     return an error with message "msg"
//	typed     return a messages.InvokeResponse_Error of type "type"
//	panic     panic with "msg" (aws-lambda-go reports it, then exits)
//	exit      exit with status "code" without answering
//	sleep     sleep "ms" milliseconds, then answer the payload
//	wait      wait until the file "gate" exists, then answer the payload
//	big       answer a JSON string of "bytes" bytes
//	spawn     start a process of its own (this executable, hanging in
//	          its init) and answer {"pid":PID}
//	log       write "lines" lines to standard output and error, then
//	          answer the payload
//	stream    (streaming functions) answer "chunks" chunks of "msg",
//	          "ms" milliseconds apart, the second once the file "gate"
//	          exists; with "fail", end in a read error
//
// An API Gateway or function URL event (a payload without "do") carries
// the request in its body; the answer is then a proxy response whose body
// is the output and whose X-Testfn-Pid header is the process id.
//
// The environment variable TESTFN_INIT makes the initialisation fail:
// "exit" exits with status 2, "error" posts to /runtime/init/error as a
// runtime reports a failed init and exits, "hang" never starts the
// runtime loop. TESTFN_STREAM=1 starts the loop with a handler whose
// output is a stream.
package testfn
