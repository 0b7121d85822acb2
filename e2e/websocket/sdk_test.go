package websocket

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go/aws"
	"github.com/aws/aws-sdk-go/aws/awserr"
	"github.com/aws/aws-sdk-go/aws/credentials"
	"github.com/aws/aws-sdk-go/aws/session"
	"github.com/aws/aws-sdk-go/service/apigatewaymanagementapi"

	"github.com/lambdagate/lambdagate"
	"github.com/lambdagate/lambdagate/connection"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
	"github.com/lambdagate/lambdagate/response"
)

// TestSDKManagementAPI runs a function that calls the Management API
// with the AWS SDK for Go's own client, unchanged but for its endpoint
// (which a function in AWS builds from its event the same way), signed
// with made-up credentials: PostToConnection reaches the client,
// GetConnection reads its state, DeleteConnection closes it, and a gone
// connection is the SDK's GoneException (docs/evidence/websocket.md#management-api).
//
// The SDK is version 1 (github.com/aws/aws-sdk-go): the Go module proxy
// this project builds with does not serve version 2's
// service/apigatewaymanagementapi. Both speak the same REST-JSON protocol,
// paths and Signature Version 4.
func TestSDKManagementAPI(t *testing.T) {
	type result struct {
		info *apigatewaymanagementapi.GetConnectionOutput
		errs []error
	}
	results := make(chan result, 1)
	var mu sync.Mutex
	var other string // a second client, to post to from the first's message
	fn := lambdagate.HandlerFunc(func(ctx context.Context, req *event.Request) (*response.Response, error) {
		switch req.RouteKey {
		case "$connect":
			if req.Query.Get("name") == "other" {
				mu.Lock()
				other = req.Context.ConnectionID
				mu.Unlock()
			}
			return response.Text(200, ""), nil
		}
		sess := session.Must(session.NewSession(&aws.Config{
			Region:      aws.String("us-east-1"),
			Endpoint:    aws.String(connection.EndpointFor(req)),
			Credentials: credentials.NewStaticCredentials("AKIDEXAMPLE", "secret", "session-token"),
		}))
		api := apigatewaymanagementapi.New(sess)
		var r result
		mu.Lock()
		to := other
		mu.Unlock()
		_, err := api.PostToConnectionWithContext(ctx, &apigatewaymanagementapi.PostToConnectionInput{ConnectionId: aws.String(to), Data: []byte("from the SDK: " + string(req.Body))})
		r.errs = append(r.errs, err)
		r.info, err = api.GetConnectionWithContext(ctx, &apigatewaymanagementapi.GetConnectionInput{ConnectionId: aws.String(to)})
		r.errs = append(r.errs, err)
		_, err = api.DeleteConnectionWithContext(ctx, &apigatewaymanagementapi.DeleteConnectionInput{ConnectionId: aws.String(to)})
		r.errs = append(r.errs, err)
		_, err = api.PostToConnectionWithContext(ctx, &apigatewaymanagementapi.PostToConnectionInput{ConnectionId: aws.String("R1kmxc2VNjMCFIA="), Data: []byte("nobody")})
		r.errs = append(r.errs, err)
		results <- r
		return response.Text(200, ""), nil
	})
	s := gatewaytest.New(t, gateway.API{Kind: event.WebSocket, Stages: []gateway.Stage{{Name: "dev"}}, Routes: []gateway.Route{
		{Key: "$connect", Integration: gateway.Proxy{Function: lambdagate.NewAdapter(fn)}},
		{Key: "$default", Integration: gateway.Proxy{Function: lambdagate.NewAdapter(fn)}},
	}})
	target := s.Dial("/dev?name=other", "User-Agent", "target/1.0")
	sender := s.Dial("/dev?name=sender")
	start := time.Now()
	sender.Send("hello")
	target.Expect("from the SDK: hello")
	var r result
	select {
	case r = <-results:
	case <-time.After(gatewaytest.WaitTimeout):
		t.Fatal("the function did not finish")
	}
	if r.errs[0] != nil || r.errs[1] != nil || r.errs[2] != nil {
		t.Fatalf("PostToConnection, GetConnection, DeleteConnection: %v", r.errs[:3])
	}
	if aws.StringValue(r.info.Identity.SourceIp) != "127.0.0.1" || aws.StringValue(r.info.Identity.UserAgent) != "target/1.0" ||
		r.info.ConnectedAt == nil || r.info.ConnectedAt.After(time.Now()) || start.Sub(*r.info.ConnectedAt) > time.Minute ||
		r.info.LastActiveAt == nil || r.info.LastActiveAt.Before(*r.info.ConnectedAt) {
		t.Errorf("GetConnection = %v", r.info)
	}
	var aerr awserr.RequestFailure
	if !errors.As(r.errs[3], &aerr) || aerr.Code() != apigatewaymanagementapi.ErrCodeGoneException || aerr.StatusCode() != http.StatusGone {
		t.Errorf("PostToConnection to a gone connection: %v, want the SDK's GoneException", r.errs[3])
	}
	if code, _ := target.Closed(gatewaytest.WaitTimeout); code != 1000 {
		t.Errorf("after DeleteConnection the client got close code %d, want 1000", code)
	}
}

// TestSDKRequestShape checks the request the SDK's client builds (the
// literal @, the escaped id, the execute-api signing scope), so that a
// change in how the SDK spells it shows here first, and that the gateway
// answers it in the error shape the SDK reads.
func TestSDKRequestShape(t *testing.T) {
	s := gatewaytest.New(t, gateway.API{Kind: event.WebSocket})
	sess := session.Must(session.NewSession(&aws.Config{Region: aws.String("us-east-1"), Endpoint: aws.String(s.URL() + "/prod"),
		Credentials: credentials.NewStaticCredentials("AKIDEXAMPLE", "secret", "")}))
	api := apigatewaymanagementapi.New(sess)
	req, _ := api.PostToConnectionRequest(&apigatewaymanagementapi.PostToConnectionInput{ConnectionId: aws.String("R1kmxc2VNjMCFIA="), Data: []byte(`{"a":1}`)})
	if err := req.Sign(); err != nil {
		t.Fatal(err)
	}
	hr := req.HTTPRequest
	if hr.Method != "POST" || !strings.HasSuffix(hr.URL.EscapedPath(), "/prod/@connections/R1kmxc2VNjMCFIA%3D") ||
		!strings.Contains(hr.Header.Get("Authorization"), "/us-east-1/execute-api/aws4_request") {
		t.Errorf("the SDK sends %s %s with Authorization %q", hr.Method, hr.URL.EscapedPath(), hr.Header.Get("Authorization"))
	}
	// And the gateway answers it: 410 for an id it does not know, in
	// the error shape the SDK reads.
	err := req.Send()
	var aerr awserr.RequestFailure
	if !errors.As(err, &aerr) || aerr.Code() != "GoneException" {
		t.Errorf("Send = %v, want GoneException", err)
	}
}
