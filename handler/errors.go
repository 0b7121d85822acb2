package handler

import (
	"encoding/json"
	"fmt"
)

// A FunctionError is an invocation that ran and failed, as Lambda reports
// it to the service that invoked the function: the runtime posted an error
// document, or Lambda ended the invocation itself (a timeout, a crash, an
// oversized response). The Invoke API answers it with status 200,
// X-Amz-Function-Error: Unhandled and Payload as the body. Invokers that
// reach a function through Lambda (the gateway's Remote, a local Lambda
// service) return it; the gateway answers it as API Gateway answers a
// function error, and reads Message where AWS does (a Lambda authorizer's
// "Unauthorized").
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

// ReadFunctionError returns the function error whose document is doc,
// with the type and message the document names; a document that is not
// an error document has neither.
func ReadFunctionError(doc []byte) *FunctionError {
	var d struct {
		Message string `json:"errorMessage"`
		Type    string `json:"errorType"`
	}
	json.Unmarshal(doc, &d) // a document of another shape keeps only Payload
	return &FunctionError{Type: d.Type, Message: d.Message, Payload: doc}
}

func (e *FunctionError) Error() string {
	return fmt.Sprintf("handler: function error %s: %q", e.Type, e.Message)
}

// An InvokeError is an invoke that Lambda, or the service in front of the
// function, refused or could not deliver, so the function never ran: an
// unknown function, a payload over the quota or not JSON, no instance free
// under a throttling limit, an Invoke API that could not be reached. API
// Gateway answers it with 500 (docs/evidence/gateway.md).
type InvokeError struct {
	// Status is the Invoke API's status code; 0 when no answer came.
	Status int
	// Code is Lambda's error code (ResourceNotFoundException, ...), when
	// the service named one.
	Code string
	// Message is the service's error message.
	Message string
	// Err is the cause when the invoke failed before an answer came.
	Err error
}

func (e *InvokeError) Error() string {
	switch {
	case e.Err != nil && e.Status == 0:
		return fmt.Sprintf("handler: invoke failed: %v", e.Err)
	case e.Err != nil:
		return fmt.Sprintf("handler: invoke failed (status %d): %v", e.Status, e.Err)
	}
	return fmt.Sprintf("handler: invoke refused (%d %s): %q", e.Status, e.Code, e.Message)
}

func (e *InvokeError) Unwrap() error { return e.Err }
