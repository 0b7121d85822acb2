package lambdaservice

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/lambdagate/lambdagate/internal/quota"
)

// A FunctionError is an invocation that ended in a function error: the
// runtime reported one (POST .../error or /init/error), or Lambda ended the
// invocation itself (a timeout, a crash, an oversized response). The
// Invoke API answers it with status 200, X-Amz-Function-Error: Unhandled
// and Payload as the body.
type FunctionError struct {
	// Type is the error document's errorType: the runtime's own type,
	// or one of Lambda's (Sandbox.Timedout, Runtime.ExitError,
	// Function.ResponseSizeTooLarge, ...).
	Type string
	// Message is the error document's errorMessage, when it has one.
	Message string
	// Payload is the error document, as the invoker receives it.
	Payload []byte
}

func (e *FunctionError) Error() string {
	return fmt.Sprintf("lambdaservice: function error %s: %s", e.Type, e.Message)
}

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
func serviceError(typ, msg string) *FunctionError {
	doc, _ := json.Marshal(struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}{msg, typ})
	return &FunctionError{Type: typ, Message: msg, Payload: doc}
}

// runtimeError returns the function error for a document a runtime posted
// to /error or /init/error, with typ from its error type header when the
// document names none.
func runtimeError(doc []byte, typ string) *FunctionError {
	var d struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}
	if json.Unmarshal(doc, &d) == nil && d.Type != "" {
		typ = d.Type
	}
	return &FunctionError{Type: typ, Message: d.Message, Payload: doc}
}

func timeoutError(id string, timeout time.Duration) *FunctionError {
	return serviceError(TimeoutType, fmt.Sprintf("RequestId: %s Error: Task timed out after %.2f seconds", id, timeout.Seconds()))
}

// exitError is the error of a runtime that exited: state is how, as
// os.ProcessState.String gives it ("exit status 1", "signal: killed"), or
// "" for an exit with status 0.
func exitError(id, state string) *FunctionError {
	msg := "Runtime exited without providing a reason"
	if state != "" {
		msg = "Runtime exited with error: " + state
	}
	if id != "" {
		msg = "RequestId: " + id + " Error: " + msg
	}
	return serviceError(ExitType, msg)
}

func oversizedError() *FunctionError {
	return serviceError(quota.ResponseTooLargeType, quota.ResponseTooLargeMessage)
}

// An InvokeError is an invoke the service refused, so the function did not
// run: an unknown function, a payload over the quota or not JSON, no
// instance free under a throttling limit, a closed service. The Invoke API
// answers it with Status and a Lambda error document of type Code.
type InvokeError struct {
	Status  int    // the Invoke API's status code
	Code    string // the error code: ResourceNotFoundException, ...
	Message string
}

func (e *InvokeError) Error() string {
	return fmt.Sprintf("lambdaservice: invoke refused (%d %s): %s", e.Status, e.Code, e.Message)
}

// InvokeRejected reports that the function never ran, as the gateway's
// other remote functions do, so the gateway answers as API Gateway does
// when Lambda refuses an invoke.
func (e *InvokeError) InvokeRejected() bool { return true }

func notFound(arn string) *InvokeError {
	return &InvokeError{http.StatusNotFound, "ResourceNotFoundException", "Function not found: " + arn}
}

func tooLarge(limit int, operation string) *InvokeError {
	return &InvokeError{http.StatusRequestEntityTooLarge, "RequestEntityTooLargeException",
		fmt.Sprintf("Request must be smaller than %d bytes for the %s operation", limit, operation)}
}

func invalidContent(err error) *InvokeError {
	return &InvokeError{http.StatusBadRequest, "InvalidRequestContentException", "Could not parse request body into json: " + err.Error()}
}

func throttled() *InvokeError {
	return &InvokeError{http.StatusTooManyRequests, "TooManyRequestsException", "Rate Exceeded."}
}

var errClosed = &InvokeError{http.StatusServiceUnavailable, "ServiceException", "the local Lambda service is closed"}
