package lambdaservice

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/lambdagate/lambdagate/handler"

	"github.com/lambdagate/lambdagate/internal/quota"
)

// The error types Lambda reports for invocations it ends itself
// (docs/evidence/runtime.md#local-lambda-errors).
const (
	// TimeoutType is a function that ran past its timeout.
	TimeoutType = "Sandbox.Timedout"
	// ExitType is a runtime process that exited before answering.
	ExitType = "Runtime.ExitError"
	// EntrypointType is a bootstrap that could not be started.
	EntrypointType = "Runtime.InvalidEntrypoint"
	// TruncatedType is a response the runtime did not finish posting.
	TruncatedType = "Runtime.TruncatedResponse"
)

// serviceError returns the function error Lambda reports for an
// invocation it ended itself: the document has errorMessage and errorType,
// in that order, as Lambda writes them.
func serviceError(typ, msg string) *handler.FunctionError {
	doc, _ := json.Marshal(struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}{msg, typ})
	return &handler.FunctionError{Type: typ, Message: msg, Payload: doc}
}

// runtimeError returns the function error for a document a runtime posted
// to /error or /init/error, with typ from its error type header when the
// document names none.
func runtimeError(doc []byte, typ string) *handler.FunctionError {
	fe := handler.ReadFunctionError(doc)
	if fe.Type == "" {
		fe.Type = typ
	}
	return fe
}

func timeoutError(id string, timeout time.Duration) *handler.FunctionError {
	return serviceError(TimeoutType, fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", id, timeout.Seconds()))
}

// exitError is the error of a runtime that exited: state is how, as
// os.ProcessState.String gives it ("exit status 1", "signal: killed"), or
// "" for an exit with status 0.
func exitError(id, state string) *handler.FunctionError {
	msg := "Runtime exited without providing a reason"
	if state != "" {
		msg = "Runtime exited with error: " + state
	}
	if id != "" {
		msg = "RequestId: " + id + " Error: " + msg
	}
	return serviceError(ExitType, msg)
}

func oversizedError() *handler.FunctionError {
	return serviceError(quota.ResponseTooLargeType, quota.ResponseTooLargeMessage)
}

// refused returns the error of an invoke the service refused, so the
// function did not run: the Invoke API answers it with status and a Lambda
// error document of type code.
func refused(status int, code, msg string) *handler.InvokeError {
	return &handler.InvokeError{Status: status, Code: code, Message: msg}
}

func notFound(arn string) *handler.InvokeError {
	return refused(http.StatusNotFound, "ResourceNotFoundException", "Function not found: "+arn)
}

func tooLarge(limit int, operation string) *handler.InvokeError {
	return refused(http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException",
		fmt.Sprintf("Request must be smaller than %d bytes for the %s operation", limit, operation))
}

func invalidContent(err error) *handler.InvokeError {
	return refused(http.StatusBadRequest, "InvalidRequestContentException", "Could not parse request body into json: "+err.Error())
}

func throttled() *handler.InvokeError {
	return refused(http.StatusTooManyRequests, "TooManyRequestsException", "Rate Exceeded.")
}

var errClosed = refused(http.StatusServiceUnavailable, "ServiceException", "the local Lambda service is closed")
