// Package authtest holds what the tests of several modules use to drive
// authorizers through a gateway: a policy authorizer, an integration that
// answers with what it learned about its caller, and SigV4 signing of a
// request for execute-api. It is test support: nothing else imports it.
package authtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/handler"
	"github.com/lambdagate/lambdagate/response"
)

// Policy returns a policy authorizer. The caller is the token (without
// "Bearer "), or for a REQUEST authorizer the X-User header, else the
// Authorization header: "deny" is denied explicitly, "unauth" and nobody
// are refused with 401, anyone else is allowed on the whole API (so that
// a cached result serves every method) with its name as the context's
// "who". The usage identifier key is the X-Key header of a REQUEST, or
// key for a "Bearer " token.
func Policy(key string) authorizer.Func {
	return func(ctx context.Context, req *event.AuthorizerRequest) (*authorizer.Response, error) {
		who := strings.TrimPrefix(req.AuthorizationToken, "Bearer ")
		if req.Request != nil {
			if who = req.Request.Header.Get("X-User"); who == "" {
				who = req.Request.Header.Get("Authorization")
			}
		}
		arn, err := event.ParseARN(req.ARN())
		if err != nil {
			return nil, err
		}
		all := event.ARN{Region: arn.Region, AccountID: arn.AccountID, APIID: arn.APIID, Stage: "*", Method: "*", Path: "/*"}.String()
		switch who {
		case "", "unauth":
			return nil, authorizer.ErrUnauthorized
		case "deny":
			return authorizer.Deny(who, all), nil
		}
		resp := authorizer.Allow(who, all).WithContext("who", who)
		if req.Request != nil {
			resp.UsageIdentifierKey = req.Request.Header.Get("X-Key")
		} else if strings.HasPrefix(req.AuthorizationToken, "Bearer ") {
			resp.UsageIdentifierKey = key
		}
		return resp, nil
	}
}

// Caller is an integration that answers 200 with what it learned about
// its caller: the principal, the Lambda authorizer's context, the JWT's
// subject, the API key id and the IAM caller.
var Caller = handler.NewAdapter(handler.Func(func(ctx context.Context, req *event.Request) (*response.Response, error) {
	return response.JSON(http.StatusOK, map[string]any{
		"principal": req.Authorizer.PrincipalID(),
		"lambda":    req.Authorizer.Lambda(),
		"claims":    req.Authorizer.Claims()["sub"],
		"apiKeyId":  req.Context.Identity.APIKeyID,
		"caller":    req.Context.Identity.Caller,
	})
}))

// Sign signs r, whose body is empty, with Signature Version 4 for
// execute-api in the default region, as a caller of an IAM-authorized
// method does.
func Sign(r *http.Request, accessKey, secret string, at time.Time) error {
	r.Body, r.ContentLength = http.NoBody, 0
	sum := sha256.Sum256(nil)
	return v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: accessKey, SecretAccessKey: secret},
		r, hex.EncodeToString(sum[:]), "execute-api", event.DefaultRegion, at)
}
