package connection

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/lambdagate/lambdagate/event"
)

// A Client reaches the clients of a WebSocket API by connection id.
type Client interface {
	// Post sends data to the connection's client as one message.
	Post(ctx context.Context, id string, data []byte) error
	// Get returns the connection's state.
	Get(ctx context.Context, id string) (Info, error)
	// Delete disconnects the connection's client.
	Delete(ctx context.Context, id string) error
}

// Info is a connection's state, as the Management API's GetConnection
// returns it.
type Info struct {
	ConnectedAt  time.Time
	LastActiveAt time.Time
	SourceIP     string
	UserAgent    string
}

// ErrGone is the error for a connection that is gone: 410 GoneException.
var ErrGone = errors.New("connection: gone (410 GoneException)")

// Error is a refusal of the Management API other than [ErrGone].
type Error struct {
	Status  int    // the HTTP status
	Code    string // the error code (x-amzn-ErrorType), such as "ForbiddenException"
	Message string // the message of the error document
}

func (e *Error) Error() string {
	return fmt.Sprintf("connection: %d %s: %s", e.Status, e.Code, e.Message)
}

// A Signer signs a Management API request, whose body is body, before it
// is sent; package connection/sigv4 has the one AWS needs.
type Signer interface {
	Sign(ctx context.Context, r *http.Request, body []byte) error
}

// Endpoint is the Management API at an endpoint URL: a [Client].
type Endpoint struct {
	// URL is the API's stage URL, such as
	// https://abcdef1234.execute-api.us-east-1.amazonaws.com/prod, or the
	// local gateway's http://127.0.0.1:8080/prod ([EndpointFor] gives it
	// from an event).
	URL string
	// Signer signs each request; nil sends them unsigned, which the
	// local gateway accepts and AWS refuses.
	Signer Signer
	// HTTPClient sends the requests; nil means http.DefaultClient.
	HTTPClient *http.Client
}

// EndpointFor returns the Management API endpoint of the API that sent
// req: https://DOMAIN/STAGE, as AWS documents it, or http:// when the
// domain is a local address with a port (an IP address or localhost), as
// the local gateway puts its own address in domainName
// (docs/evidence/websocket.md#callback-url).
func EndpointFor(req *event.Request) string {
	scheme := "https://"
	if local(req.DomainName) {
		scheme = "http://"
	}
	return scheme + req.DomainName + "/" + url.PathEscape(req.Stage)
}

// local reports whether domain is host:port with an IP address or
// localhost as the host.
func local(domain string) bool {
	host, port, err := net.SplitHostPort(domain)
	if err != nil || port == "" {
		return false
	}
	return host == "localhost" || net.ParseIP(host) != nil
}

// Post implements [Client].
func (e *Endpoint) Post(ctx context.Context, id string, data []byte) error {
	_, err := e.do(ctx, http.MethodPost, id, data)
	return err
}

// Get implements [Client].
func (e *Endpoint) Get(ctx context.Context, id string) (Info, error) {
	body, err := e.do(ctx, http.MethodGet, id, nil)
	if err != nil {
		return Info{}, err
	}
	var doc struct {
		ConnectedAt  time.Time `json:"connectedAt"`
		LastActiveAt time.Time `json:"lastActiveAt"`
		Identity     struct {
			SourceIP  string `json:"sourceIp"`
			UserAgent string `json:"userAgent"`
		} `json:"identity"`
	}
	if err := json.Unmarshal(body, &doc); err != nil {
		return Info{}, fmt.Errorf("connection: reading GetConnection's answer %q: %w", body, err)
	}
	return Info{ConnectedAt: doc.ConnectedAt, LastActiveAt: doc.LastActiveAt, SourceIP: doc.Identity.SourceIP, UserAgent: doc.Identity.UserAgent}, nil
}

// Delete implements [Client].
func (e *Endpoint) Delete(ctx context.Context, id string) error {
	_, err := e.do(ctx, http.MethodDelete, id, nil)
	return err
}

// maxAnswer bounds the answer read from the Management API.
const maxAnswer = 1 << 20

func (e *Endpoint) do(ctx context.Context, method, id string, body []byte) ([]byte, error) {
	if id == "" {
		return nil, errors.New("connection: empty connection id")
	}
	u := strings.TrimRight(e.URL, "/") + "/@connections/" + url.PathEscape(id)
	r, err := http.NewRequestWithContext(ctx, method, u, bytes.NewReader(body))
	if err != nil {
		return nil, fmt.Errorf("connection: %w", err)
	}
	if body == nil {
		r.Body, r.ContentLength = http.NoBody, 0
	}
	if e.Signer != nil {
		if err := e.Signer.Sign(ctx, r, body); err != nil {
			return nil, fmt.Errorf("connection: signing: %w", err)
		}
	}
	client := e.HTTPClient
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(r)
	if err != nil {
		return nil, fmt.Errorf("connection: %w", err)
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return nil, fmt.Errorf("connection: reading the answer: %w", err)
	}
	if resp.StatusCode/100 == 2 {
		return answer, nil
	}
	if resp.StatusCode == http.StatusGone {
		return nil, ErrGone
	}
	apiErr := &Error{Status: resp.StatusCode, Code: resp.Header.Get("X-Amzn-Errortype")}
	var doc struct {
		Message string `json:"message"`
	}
	if json.Unmarshal(answer, &doc) == nil {
		apiErr.Message = doc.Message
	} else {
		apiErr.Message = string(answer)
	}
	apiErr.Code, _, _ = strings.Cut(apiErr.Code, ":") // "Code:uri" in some answers
	return nil, apiErr
}

var _ Client = (*Endpoint)(nil)
