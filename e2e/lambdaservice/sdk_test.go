//go:build linux

package lambdaservice

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/lambda"
	"github.com/aws/aws-sdk-go-v2/service/lambda/types"

	"github.com/lambdagate/lambdagate/internal/testfn"
)

// TestSDK invokes the service's functions with the AWS SDK for Go v2's
// Lambda client, its endpoint set to the service, as `sam local
// start-lambda` users do with theirs.
func TestSDK(t *testing.T) {
	svc, _ := startService(t, scenario{name: "sdk", timeout: 30})
	stream, _ := startService(t, scenario{name: "sdk-stream", timeout: 30, env: map[string]string{"TESTFN_STREAM": "1"}})
	client := func(tg *target) *lambda.Client {
		endpoint := strings.TrimSuffix(tg.url, "/2015-03-31/functions/difftest/invocations")
		return lambda.New(lambda.Options{
			Region:       "us-east-1",
			BaseEndpoint: aws.String(endpoint),
			HTTPClient:   tg.client,
			Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
				return aws.Credentials{AccessKeyID: "local", SecretAccessKey: "local"}, nil
			}),
		})
	}
	ctx := context.Background()
	c := client(svc)
	echo := testfn.Request{Do: "log", Lines: 1}.Payload()

	out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("difftest"), Payload: echo, LogType: types.LogTypeTail})
	if err != nil {
		t.Fatal(err)
	}
	if out.StatusCode != 200 || string(out.Payload) != string(echo) || out.FunctionError != nil || aws.ToString(out.ExecutedVersion) != "$LATEST" {
		t.Errorf("Invoke: %d %s, function error %v, version %v", out.StatusCode, out.Payload, out.FunctionError, out.ExecutedVersion)
	}
	if out.LogResult == nil || *out.LogResult == "" {
		t.Errorf("Invoke with LogType Tail returned no log")
	}

	out, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("arn:aws:lambda:us-east-1:" + accountID + ":function:difftest"),
		Payload: testfn.Request{Do: "error", Msg: "boom"}.Payload()})
	if err != nil || aws.ToString(out.FunctionError) != "Unhandled" || string(out.Payload) != `{"errorMessage":"boom","errorType":"errorString"}` {
		t.Errorf("Invoke of a failing function: %v; function error %v, payload %s", err, out.FunctionError, out.Payload)
	}

	for _, typ := range []struct {
		t      types.InvocationType
		status int32
	}{{types.InvocationTypeEvent, 202}, {types.InvocationTypeDryRun, 204}} {
		out, err := c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("difftest"), Payload: echo, InvocationType: typ.t})
		if err != nil || out.StatusCode != typ.status {
			t.Errorf("Invoke %s: %v, status %v; want %d", typ.t, err, out, typ.status)
		}
	}

	_, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("missing"), Payload: echo})
	var notFound *types.ResourceNotFoundException
	if !errors.As(err, &notFound) || !strings.Contains(notFound.ErrorMessage(), "function:missing") {
		t.Errorf("Invoke of a missing function: %v, want a ResourceNotFoundException", err)
	}
	_, err = c.Invoke(ctx, &lambda.InvokeInput{FunctionName: aws.String("difftest"), Payload: []byte("not json")})
	var invalid *types.InvalidRequestContentException
	if !errors.As(err, &invalid) {
		t.Errorf("Invoke with a payload that is not JSON: %v, want an InvalidRequestContentException", err)
	}

	// Response streaming: chunks as the function writes, then the
	// completion event.
	for _, cs := range []struct {
		req       testfn.Request
		data      string
		errorCode string
	}{
		{testfn.Request{Do: "stream", Msg: "c", Chunks: 4, MS: 10}, "c 0\nc 1\nc 2\nc 3\n", ""},
		{testfn.Request{Do: "stream", Msg: "c", Chunks: 2, Fail: true}, "c 0\nc 1\n", "errorString"},
	} {
		out, err := client(stream).InvokeWithResponseStream(ctx, &lambda.InvokeWithResponseStreamInput{FunctionName: aws.String("difftest"), Payload: cs.req.Payload()})
		if err != nil {
			t.Fatal(err)
		}
		var data strings.Builder
		var complete *types.InvokeWithResponseStreamCompleteEvent
		es := out.GetStream()
		for ev := range es.Events() {
			switch v := ev.(type) {
			case *types.InvokeWithResponseStreamResponseEventMemberPayloadChunk:
				data.Write(v.Value.Payload)
			case *types.InvokeWithResponseStreamResponseEventMemberInvokeComplete:
				complete = &v.Value
			}
		}
		es.Close()
		if err := es.Err(); err != nil {
			t.Errorf("%s: the event stream failed: %v", cs.req.Payload(), err)
		}
		if data.String() != cs.data || complete == nil || aws.ToString(complete.ErrorCode) != cs.errorCode {
			t.Errorf("%s: chunks %q, completion %+v; want %q and error code %q", cs.req.Payload(), data.String(), complete, cs.data, cs.errorCode)
		}
	}
}
