package sigv4_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/lambdagate/lambdagate/connection"
	"github.com/lambdagate/lambdagate/connection/sigv4"
	"github.com/lambdagate/lambdagate/event"
)

// TestSign checks the headers the signer adds for a Management API
// request: the execute-api scope of the region, the signed payload hash
// and the session token, for the credentials it is given.
func TestSign(t *testing.T) {
	got := make(chan *http.Request, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got <- r
	}))
	defer srv.Close()
	creds := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret", SessionToken: "token"}, nil
	})
	at := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	e := &connection.Endpoint{URL: srv.URL + "/prod", Signer: &sigv4.Signer{Credentials: creds, Region: "eu-west-1", Now: func() time.Time { return at }}}
	if err := e.Post(context.Background(), "R1kmxc2VNjMCFIA=", []byte("hello")); err != nil {
		t.Fatal(err)
	}
	r := <-got
	auth := r.Header.Get("Authorization")
	for _, want := range []string{"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260102/eu-west-1/execute-api/aws4_request", "SignedHeaders=", "Signature="} {
		if !strings.Contains(auth, want) {
			t.Errorf("Authorization %q lacks %q", auth, want)
		}
	}
	if r.Header.Get("X-Amz-Date") != "20260102T030405Z" || r.Header.Get("X-Amz-Security-Token") != "token" {
		t.Errorf("X-Amz-Date %q, X-Amz-Security-Token %q", r.Header.Get("X-Amz-Date"), r.Header.Get("X-Amz-Security-Token"))
	}
	if r.URL.EscapedPath() != "/prod/@connections/R1kmxc2VNjMCFIA=" {
		t.Errorf("path %q", r.URL.EscapedPath())
	}
	// The same request signed twice at the same time gives the same
	// signature; another body another one.
	sig := func(body string) string {
		req, _ := http.NewRequest("POST", "https://abc.execute-api.eu-west-1.amazonaws.com/prod/@connections/x", strings.NewReader(body))
		(&sigv4.Signer{Credentials: creds, Region: "eu-west-1", Now: func() time.Time { return at }}).Sign(context.Background(), req, []byte(body))
		return req.Header.Get("Authorization")
	}
	if sig("a") != sig("a") || sig("a") == sig("b") {
		t.Error("signatures do not depend on the body alone")
	}
}

func TestNew(t *testing.T) {
	for _, tt := range []struct {
		domain, stage, url string
		signed             bool
	}{
		{"abc.execute-api.us-east-1.amazonaws.com", "prod", "https://abc.execute-api.us-east-1.amazonaws.com/prod", true},
		{"127.0.0.1:8080", "prod", "http://127.0.0.1:8080/prod", false},
		{"localhost:9000", "dev", "http://localhost:9000/dev", false},
		{"[::1]:9000", "dev", "http://[::1]:9000/dev", false},
		{"chat.example.com", "v1", "https://chat.example.com/v1", true},
	} {
		e := sigv4.New(&event.Request{DomainName: tt.domain, Stage: tt.stage})
		if e.URL != tt.url || (e.Signer != nil) != tt.signed {
			t.Errorf("New(%s, %s) = %s signed %v, want %s signed %v", tt.domain, tt.stage, e.URL, e.Signer != nil, tt.url, tt.signed)
		}
	}
}

func TestEnvCredentials(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	if _, err := sigv4.EnvCredentials().Retrieve(context.Background()); err == nil {
		t.Error("EnvCredentials without variables: no error")
	}
	t.Setenv("AWS_ACCESS_KEY_ID", "AKID")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "s")
	t.Setenv("AWS_SESSION_TOKEN", "tok")
	c, err := sigv4.EnvCredentials().Retrieve(context.Background())
	if err != nil || c.AccessKeyID != "AKID" || c.SessionToken != "tok" {
		t.Errorf("EnvCredentials = %+v, %v", c, err)
	}
}
