package handler

import (
	"bytes"
	"context"
	"io"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/response"
)

// StreamContentType is the content type the Lambda runtime uses for a
// streamed HTTP response: a JSON prelude with the status and headers, eight
// NUL bytes, then the body.
const StreamContentType = "application/vnd.awslambda.http-integration-response"

// InvokeStream serves payload for a streaming invoke (function URLs in
// RESPONSE_STREAM mode, REST APIs with a streaming integration) and returns
// the output as a reader: the JSON prelude with status, headers and
// cookies, eight NUL bytes, then the body, which reads from the response's
// Stream as the handler produces it. The reader has a ContentType method
// returning [StreamContentType], which the Lambda runtime uses, and a Close
// method that closes the Stream.
//
// Errors are handled as in [Adapter.Invoke].
func (a *Adapter) InvokeStream(ctx context.Context, payload []byte) (io.Reader, error) {
	req, err := event.Decode(payload)
	if err != nil {
		a.logger().ErrorContext(ctx, "lambdagate: cannot decode event", logIDs(ctx, nil, "error", err)...)
		return nil, err
	}
	resp, err := a.serve(ContextWithInvokeMode(ctx, ResponseStream), req)
	if err != nil {
		switch req.Source {
		case event.ALB, event.ALBMultiValue, event.FunctionURL:
			return nil, err
		}
		resp = response.FunctionError(req.Source)
	}
	prelude, err := response.AppendPrelude(nil, req, resp)
	if err != nil {
		a.logger().ErrorContext(ctx, "lambdagate: cannot encode response", logIDs(ctx, req, "error", err)...)
		if req.Source == event.FunctionURL {
			return nil, err
		}
		resp = response.FunctionError(req.Source)
		prelude, _ = response.AppendPrelude(nil, req, resp)
	}
	prelude = append(prelude, 0, 0, 0, 0, 0, 0, 0, 0)
	readers := []io.Reader{bytes.NewReader(prelude), bytes.NewReader(resp.Body)}
	if resp.Stream != nil {
		readers = append(readers, resp.Stream)
	}
	return &streamOutput{r: io.MultiReader(readers...), stream: resp.Stream}, nil
}

// streamOutput is a streamed invoke output.
//
// Its fields are unexported on purpose: aws-lambda-go encodes a handler's
// result with encoding/json first and streams an io.Reader only when it
// encodes as {} (lambda/handler.go, reflectHandler). An exported field
// would make every streamed response the JSON of that field instead.
type streamOutput struct {
	r      io.Reader
	stream io.Reader
}

func (s *streamOutput) Read(p []byte) (int, error) { return s.r.Read(p) }

// ContentType tells the Lambda runtime the output is a streamed HTTP
// response.
func (s *streamOutput) ContentType() string { return StreamContentType }

// Close closes the response stream, if it can be closed.
func (s *streamOutput) Close() error {
	if c, ok := s.stream.(io.Closer); ok {
		return c.Close()
	}
	return nil
}
