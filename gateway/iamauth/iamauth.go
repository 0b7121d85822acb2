// Package iamauth is IAM authorization (AWS_IAM) for the local gateway:
// a gateway.Authorizer that verifies a request's Signature Version 4
// signature against credentials configured locally, evaluates the
// caller's IAM policy for execute-api:Invoke on the method, and passes
// the caller on to the integration: requestContext.identity for REST APIs,
// payload 1.0 and WebSocket APIs (every event of the connection),
// requestContext.authorizer.iam for payload 2.0. A WebSocket API takes it
// on $connect: the client signs its handshake, a GET of the stage's URL,
// and the policy is evaluated on the route ARN …/STAGE/$connect.
//
// It lives apart from package gateway so that only programs that
// configure IAM authorization link the AWS SDK's signer. It writes no
// cryptography: the signature is recomputed with the SDK's
// aws/signer/v4 and compared in constant time.
//
// # Limits
//
// Requests are verified when signed in the Authorization header with
// AWS4-HMAC-SHA256, within 5 minutes of the gateway's clock, for the
// execute-api service and the API's region. Presigned URLs (query
// string signing) and headers the SDK never signs (User-Agent,
// X-Amzn-Trace-Id, Expect) in SignedHeaders are refused as invalid
// signatures. The rules and their evidence are in the repository's
// docs/evidence/authorizers.md.
package iamauth

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
)

// A Credential is an IAM identity's access key, as the caller signs with
// it, and who the identity is.
type Credential struct {
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken, for temporary credentials, must come in
	// X-Amz-Security-Token.
	SessionToken string
	// AccountID, UserARN and UserID name the identity (userId is
	// "caller" in REST events): "123456789012",
	// "arn:aws:iam::123456789012:user/alice", "AIDA…".
	AccountID string
	UserARN   string
	UserID    string
	// Policy is the identity's IAM policy, evaluated for
	// execute-api:Invoke on the method ARN; nil allows every method.
	Policy *authorizer.Policy
}

// Config is IAM authorization's configuration.
type Config struct {
	// Credentials are the identities that may sign requests.
	Credentials []Credential
	// Region is the signing region; empty means the API's region.
	Region string
}

// MaxSkew is how far a request's signing time may be from the gateway's
// clock.
const MaxSkew = 5 * time.Minute

// An Authorizer verifies SigV4 signatures; it implements
// gateway.Authorizer and is safe for concurrent use.
type Authorizer struct {
	region string
	keys   map[string]*Credential
	signer *v4.Signer
}

// New checks c, reporting every problem, and returns its Authorizer.
func New(c Config) (*Authorizer, error) {
	a := &Authorizer{region: c.Region, keys: map[string]*Credential{}, signer: v4.NewSigner()}
	var errs []error
	for i := range c.Credentials {
		cr := c.Credentials[i]
		switch {
		case cr.AccessKeyID == "" || cr.SecretAccessKey == "":
			errs = append(errs, fmt.Errorf("iamauth: credential %d needs an access key id and a secret", i))
			continue
		case a.keys[cr.AccessKeyID] != nil:
			errs = append(errs, fmt.Errorf("iamauth: duplicate access key id %q", cr.AccessKeyID))
			continue
		}
		if cr.Policy != nil {
			if err := cr.Policy.Check(false); err != nil {
				errs = append(errs, fmt.Errorf("iamauth: credential %q: %w", cr.AccessKeyID, err))
			}
		}
		if cr.AccountID == "" {
			cr.AccountID = event.DefaultAccountID
		}
		if cr.UserID == "" {
			cr.UserID = cr.AccessKeyID
		}
		if cr.UserARN == "" {
			cr.UserARN = "arn:aws:iam::" + cr.AccountID + ":user/" + cr.AccessKeyID
		}
		a.keys[cr.AccessKeyID] = &cr
	}
	if len(a.keys) == 0 && len(errs) == 0 {
		errs = append(errs, errors.New("iamauth: no credentials"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return a, nil
}

// Check accepts REST, HTTP and WebSocket APIs (on $connect, whose
// handshake the caller signs).
func (a *Authorizer) Check(kind event.Source) error {
	if kind != event.REST && kind != event.HTTPAPI && kind != event.WebSocket {
		return fmt.Errorf("iamauth: %v APIs have no IAM authorization here", kind)
	}
	return nil
}

// The refusals, in the words AWS services use for SigV4 failures
// (docs/evidence/authorizers.md#iam-authorization).
func missingToken() *gateway.Refusal {
	return gateway.Refuse(http.StatusForbidden, "Missing Authentication Token", "MissingAuthenticationTokenException", "no signature")
}

func incomplete(why string) *gateway.Refusal {
	return gateway.Refuse(http.StatusForbidden, "Authorization header requires "+why, "IncompleteSignatureException", why)
}

func unknownKey() *gateway.Refusal {
	return gateway.Refuse(http.StatusForbidden, "The security token included in the request is invalid.", "UnrecognizedClientException", "unknown access key")
}

func badSignature() *gateway.Refusal {
	return gateway.Refuse(http.StatusForbidden, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details.", "InvalidSignatureException", "signature mismatch")
}

const amzDate = "20060102T150405Z"

func expired(signed, now time.Time) *gateway.Refusal {
	var msg string
	if signed.Before(now) {
		msg = fmt.Sprintf("Signature expired: %s is now earlier than %s (%s - 5 min.)", signed.Format(amzDate), now.Add(-MaxSkew).Format(amzDate), now.Format(amzDate))
	} else {
		msg = fmt.Sprintf("Signature not yet current: %s is still later than %s (%s + 5 min.)", signed.Format(amzDate), now.Add(MaxSkew).Format(amzDate), now.Format(amzDate))
	}
	return gateway.Refuse(http.StatusForbidden, msg, "InvalidSignatureException", "signing time out of range")
}

// sigV4 is a parsed Authorization header.
type sigV4 struct {
	accessKey, date, region, service string
	signedHeaders                    []string
	signature                        string
}

func parseAuthorization(h string) (*sigV4, *gateway.Refusal) {
	rest, ok := strings.CutPrefix(h, "AWS4-HMAC-SHA256 ")
	if !ok {
		return nil, incomplete("the AWS4-HMAC-SHA256 algorithm")
	}
	var s sigV4
	for _, part := range strings.Split(rest, ",") {
		k, v, _ := strings.Cut(strings.TrimSpace(part), "=")
		switch k {
		case "Credential":
			f := strings.Split(v, "/")
			if len(f) != 5 || f[4] != "aws4_request" {
				return nil, incomplete("a Credential of the form KEY/DATE/REGION/SERVICE/aws4_request")
			}
			s.accessKey, s.date, s.region, s.service = f[0], f[1], f[2], f[3]
		case "SignedHeaders":
			s.signedHeaders = strings.Split(v, ";")
		case "Signature":
			s.signature = v
		}
	}
	switch {
	case s.accessKey == "":
		return nil, incomplete("'Credential' parameter")
	case len(s.signedHeaders) == 0 || s.signedHeaders[0] == "":
		return nil, incomplete("'SignedHeaders' parameter")
	case s.signature == "":
		return nil, incomplete("'Signature' parameter")
	}
	return &s, nil
}

// Authorize verifies the request's signature and the caller's policy,
// and grants the caller's identity to the integration.
func (a *Authorizer) Authorize(ctx context.Context, r *gateway.AuthRequest) (*gateway.Grant, error) {
	hr := r.HTTP
	auth := hr.Header.Get("Authorization")
	if auth == "" {
		return nil, missingToken()
	}
	sig, ref := parseAuthorization(auth)
	if ref != nil {
		return nil, ref
	}
	cred := a.keys[sig.accessKey]
	if cred == nil {
		return nil, unknownKey()
	}
	signed, err := time.Parse(amzDate, hr.Header.Get("X-Amz-Date"))
	if err != nil {
		return nil, incomplete("an X-Amz-Date header")
	}
	if d := r.Time.Sub(signed); d > MaxSkew || d < -MaxSkew {
		return nil, expired(signed, r.Time)
	}
	if cred.SessionToken != "" && subtle.ConstantTimeCompare([]byte(hr.Header.Get("X-Amz-Security-Token")), []byte(cred.SessionToken)) != 1 {
		return nil, unknownKey()
	}
	region := a.region
	if region == "" {
		arn, _ := event.ParseARN(r.ARN())
		region = arn.Region
	}
	if sig.service != "execute-api" || sig.region != region || sig.date != signed.Format("20060102") {
		return nil, badSignature()
	}
	want, err := a.sign(ctx, hr, r.Body, sig, cred, region, signed)
	if err != nil || subtle.ConstantTimeCompare([]byte(want), []byte(sig.signature)) != 1 {
		return nil, badSignature()
	}
	if cred.Policy != nil {
		env := &authorizer.Env{Time: r.Time, PrincipalARN: cred.UserARN, PrincipalAccount: cred.AccountID}
		switch cred.Policy.Evaluate(authorizer.InvokeAction, r.ARN(), env, false) {
		case authorizer.Denied:
			return nil, gateway.AccessDenied(r, cred.UserARN, true)
		case authorizer.NotAllowed:
			return nil, gateway.AccessDenied(r, cred.UserARN, false)
		}
	}
	return a.grant(cred, r.Payload, r.Kind), nil
}

// sign recomputes the signature of hr with the SDK's signer, over the
// headers the caller signed.
func (a *Authorizer) sign(ctx context.Context, hr *http.Request, body []byte, sig *sigV4, cred *Credential, region string, at time.Time) (string, error) {
	cp, err := http.NewRequestWithContext(ctx, hr.Method, "", nil)
	if err != nil {
		return "", err
	}
	u := *hr.URL
	u.Scheme, u.Host = "https", hr.Host
	cp.URL, cp.Host = &u, hr.Host
	for _, name := range sig.signedHeaders {
		switch name {
		case "host":
		case "content-length":
			cp.ContentLength = hr.ContentLength
		default:
			ck := http.CanonicalHeaderKey(name)
			if vs, ok := hr.Header[ck]; ok {
				cp.Header[ck] = vs
			}
		}
	}
	cp.Header.Del("X-Amz-Date") // the signer sets it from at
	if cred.SessionToken == "" {
		cp.Header.Del("X-Amz-Security-Token")
	}
	hash := hr.Header.Get("X-Amz-Content-Sha256")
	if hash == "" {
		sum := sha256.Sum256(body)
		hash = hex.EncodeToString(sum[:])
	}
	creds := aws.Credentials{AccessKeyID: cred.AccessKeyID, SecretAccessKey: cred.SecretAccessKey, SessionToken: cred.SessionToken}
	if err := a.signer.SignHTTP(ctx, creds, cp, hash, "execute-api", region, at); err != nil {
		return "", err
	}
	out, ref := parseAuthorization(cp.Header.Get("Authorization"))
	if ref != nil {
		return "", errors.New("iamauth: the signer wrote no signature")
	}
	if !slices.Equal(out.signedHeaders, sig.signedHeaders) {
		return "", errors.New("iamauth: signed headers differ")
	}
	return out.signature, nil
}

// grant returns the caller's identity as the integration receives it.
func (a *Authorizer) grant(c *Credential, v event.PayloadVersion, kind event.Source) *gateway.Grant {
	g := &gateway.Grant{PrincipalARN: c.UserARN, PrincipalAccount: c.AccountID}
	if kind == event.HTTPAPI && v != event.PayloadV1 {
		b, _ := json.Marshal(map[string]any{"iam": map[string]any{
			"accessKey": c.AccessKeyID, "accountId": c.AccountID, "callerId": c.UserID, "cognitoIdentity": nil,
			"principalOrgId": nil, "userArn": c.UserARN, "userId": c.UserID,
		}})
		g.Context = b
		return g
	}
	g.Identity = &event.Identity{AccessKey: c.AccessKeyID, AccountID: c.AccountID, Caller: c.UserID, User: c.UserID, UserARN: c.UserARN}
	return g
}

var _ gateway.Authorizer = (*Authorizer)(nil)
var _ gateway.Checker = (*Authorizer)(nil)
