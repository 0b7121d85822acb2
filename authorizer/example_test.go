package authorizer_test

import (
	"context"
	"fmt"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
)

// An authorizer that lets a known token call GET on every path under
// /pets in every stage, tested with a fabricated TOKEN event through the
// bytes path Lambda runs.
func ExampleFunc() {
	f := authorizer.Func(func(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.Response, error) {
		if req.AuthorizationToken != "Bearer s3cret" {
			return nil, authorizer.ErrUnauthorized // 401
		}
		arn, err := event.ParseARN(req.MethodArn)
		if err != nil {
			return nil, err
		}
		return authorizer.Allow("alice", arn.Resource("*", "GET", "/pets/*")), nil
	})
	payload, _ := event.NewAuthorizer("Bearer s3cret", "GET", "/pets/7").MarshalJSON()
	out, err := f.Invoke(context.Background(), payload)
	fmt.Println(string(out), err)
	payload, _ = event.NewAuthorizer("Bearer guess", "GET", "/pets/7").MarshalJSON()
	_, err = f.Invoke(context.Background(), payload)
	fmt.Println(err)
	// Output:
	// {"principalId":"alice","policyDocument":{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":["execute-api:Invoke"],"Resource":["arn:aws:execute-api:us-east-1:123456789012:abcdef1234/*/GET/pets/*"]}]}} <nil>
	// Unauthorized
}

// Evaluating a policy as API Gateway does: an explicit Deny wins.
func ExamplePolicy_Evaluate() {
	p := authorizer.Policy{Version: authorizer.PolicyVersion, Statement: []authorizer.Statement{
		{Effect: authorizer.EffectAllow, Action: authorizer.Strings{authorizer.InvokeAction}, Resource: authorizer.Strings{"arn:aws:execute-api:*:*:abc/*/*/*"}},
		{Effect: authorizer.EffectDeny, Action: authorizer.Strings{authorizer.InvokeAction}, Resource: authorizer.Strings{"arn:aws:execute-api:*:*:abc/*/DELETE/*"}},
	}}
	for _, arn := range []string{
		"arn:aws:execute-api:us-east-1:123456789012:abc/prod/GET/pets/7",
		"arn:aws:execute-api:us-east-1:123456789012:abc/prod/DELETE/pets/7",
		"arn:aws:execute-api:us-east-1:123456789012:xyz/prod/GET/pets/7",
	} {
		fmt.Println(p.Evaluate(authorizer.InvokeAction, arn, &authorizer.Env{}, false))
	}
	// Output:
	// allowed
	// explicitly denied
	// not allowed
}
