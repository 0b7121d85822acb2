package sigv4

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/http"
	"os"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/lambdagate/lambdagate/connection"
	"github.com/lambdagate/lambdagate/event"
)

// service is the signing name of API Gateway's execute-api endpoints,
// which the Management API shares.
const service = "execute-api"

// Signer signs Management API requests with Signature Version 4. It is
// safe for concurrent use.
type Signer struct {
	// Credentials provides the credentials; nil means [EnvCredentials].
	Credentials aws.CredentialsProvider
	// Region is the API's region, such as "us-east-1"; empty means
	// AWS_REGION.
	Region string
	// Now returns the signing time; nil means time.Now.
	Now func() time.Time
}

// Sign implements connection.Signer.
func (s *Signer) Sign(ctx context.Context, r *http.Request, body []byte) error {
	creds := s.Credentials
	if creds == nil {
		creds = EnvCredentials()
	}
	c, err := creds.Retrieve(ctx)
	if err != nil {
		return err
	}
	region := s.Region
	if region == "" {
		region = os.Getenv("AWS_REGION")
	}
	if region == "" {
		return errors.New("sigv4: no region (set Signer.Region or AWS_REGION)")
	}
	now := time.Now
	if s.Now != nil {
		now = s.Now
	}
	sum := sha256.Sum256(body)
	return v4.NewSigner().SignHTTP(ctx, c, r, hex.EncodeToString(sum[:]), service, region, now())
}

// EnvCredentials returns the credentials of the environment variables
// Lambda sets for the function's execution role.
func EnvCredentials() aws.CredentialsProvider {
	return aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		c := aws.Credentials{
			AccessKeyID:     os.Getenv("AWS_ACCESS_KEY_ID"),
			SecretAccessKey: os.Getenv("AWS_SECRET_ACCESS_KEY"),
			SessionToken:    os.Getenv("AWS_SESSION_TOKEN"),
			Source:          "environment",
		}
		if c.AccessKeyID == "" || c.SecretAccessKey == "" {
			return aws.Credentials{}, errors.New("sigv4: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")
		}
		return c, nil
	})
}

// New returns the Management API client of the API that sent req, with
// requests signed for the region in AWS_REGION with the environment's
// credentials: what a function in Lambda needs. Against the local
// gateway, whose endpoint connection.EndpointFor gives as http://, the
// requests go unsigned, so that the same function runs there without
// credentials.
func New(req *event.Request) *connection.Endpoint {
	u := connection.EndpointFor(req)
	e := &connection.Endpoint{URL: u}
	if len(u) >= len("https://") && u[:len("https://")] == "https://" {
		e.Signer = &Signer{}
	}
	return e
}
