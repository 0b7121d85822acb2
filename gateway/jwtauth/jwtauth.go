package jwtauth

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/http"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/go-jose/go-jose/v4/jwt"

	"github.com/lambdagate/lambdagate/authorizer"
	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/gateway"
	"github.com/lambdagate/lambdagate/internal/jsonx"
)

// Config describes a JWT authorizer, as an HTTP API's JwtConfiguration
// does, and where the local gateway finds the issuer's keys.
type Config struct {
	// Issuer is the issuer the tokens name in "iss", exactly. Required.
	Issuer string
	// Audience lists the accepted audiences: a token's "aud" (or, when it
	// has no "aud", its "client_id") must be one of them. Required.
	Audience []string
	// IdentitySource is where the token is: "$request.header.NAME" or
	// "$request.querystring.NAME"; empty means the Authorization header.
	// A "Bearer " prefix is removed.
	IdentitySource string

	// The issuer's keys come from one of these. KeySet is an in-process
	// key set; JWKSFile a JWKS document on disk, read by New; JWKSURL a
	// JWKS fetched when first needed, cached, and fetched again when a
	// token names a key it lacks. With none set, the JWKS URL is found
	// through the issuer's OpenID discovery document
	// (ISSUER/.well-known/openid-configuration), as API Gateway finds it.
	KeySet   *jose.JSONWebKeySet
	JWKSFile string
	JWKSURL  string
	// Client fetches the discovery document and the JWKS; nil means a
	// client with a 5 s timeout.
	Client *http.Client
	// CacheTTL is how long a fetched JWKS is used before it is fetched
	// again (default 1 h); MinRefresh the least time between two fetches
	// caused by unknown key ids (default 1 min), so that tokens with
	// random key ids cannot make the gateway fetch on every request.
	CacheTTL   time.Duration
	MinRefresh time.Duration
}

// maxTokenLen is the longest token read; longer ones are refused before
// parsing. API Gateway's 10,240-byte header quota bounds tokens anyway.
const maxTokenLen = 8 << 10

// maxJWKS is the largest JWKS or discovery document read.
const maxJWKS = 1 << 20

// algorithms are the signature algorithms accepted: API Gateway supports
// RSA keys only (docs/evidence/authorizers.md#jwt-authorizers).
var algorithms = []jose.SignatureAlgorithm{jose.RS256, jose.RS384, jose.RS512}

// An Authorizer is a JWT authorizer for an HTTP API; it implements
// gateway.Authorizer. It is safe for concurrent use.
type Authorizer struct {
	cfg       Config
	issuer    quoted
	audiences []quoted
	where     byte // 'h' header or 'q' query
	name      string
	client    *http.Client

	mu      sync.RWMutex
	keys    map[string]*rsa.PublicKey // by kid
	fetched time.Time                 // when keys were fetched (remote sets)
	remote  bool
	tried   time.Time // the last fetch attempt
	jwksURL string
	fetch   sync.Mutex // one fetch at a time
}

// New checks c, reporting every problem, and returns its Authorizer. A
// key set given in process or as a file is read now; one behind a URL
// when the first token needs it.
func New(c Config) (*Authorizer, error) {
	a := &Authorizer{cfg: c, client: c.Client, keys: map[string]*rsa.PublicKey{}, issuer: quote(c.Issuer)}
	for _, aud := range c.Audience {
		a.audiences = append(a.audiences, quote(aud))
	}
	var errs []error
	if c.Issuer == "" {
		errs = append(errs, errors.New("jwtauth: no issuer"))
	}
	if len(c.Audience) == 0 {
		errs = append(errs, errors.New("jwtauth: no audience"))
	}
	src := c.IdentitySource
	if src == "" {
		src = "$request.header.Authorization"
	}
	if name, ok := strings.CutPrefix(src, "$request.header."); ok && name != "" {
		a.where, a.name = 'h', http.CanonicalHeaderKey(name)
	} else if name, ok := strings.CutPrefix(src, "$request.querystring."); ok && name != "" {
		a.where, a.name = 'q', name
	} else {
		errs = append(errs, fmt.Errorf("jwtauth: identity source %q: JWT authorizers read a header ($request.header.NAME) or a query parameter ($request.querystring.NAME)", src))
	}
	n := 0
	for _, set := range []bool{c.KeySet != nil, c.JWKSFile != "", c.JWKSURL != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		errs = append(errs, errors.New("jwtauth: give one of KeySet, JWKSFile and JWKSURL"))
	}
	if c.CacheTTL < 0 || c.MinRefresh < 0 {
		errs = append(errs, errors.New("jwtauth: negative CacheTTL or MinRefresh"))
	}
	switch {
	case c.KeySet != nil:
		a.keys = rsaKeys(c.KeySet)
	case c.JWKSFile != "":
		b, err := os.ReadFile(c.JWKSFile)
		if err != nil {
			errs = append(errs, fmt.Errorf("jwtauth: %w", err))
			break
		}
		var set jose.JSONWebKeySet
		if err := json.Unmarshal(b, &set); err != nil {
			errs = append(errs, fmt.Errorf("jwtauth: JWKS file %q: %w", c.JWKSFile, err))
			break
		}
		a.keys = rsaKeys(&set)
	default:
		a.remote, a.jwksURL = true, c.JWKSURL
	}
	if !a.remote && n > 0 && len(a.keys) == 0 && len(errs) == 0 {
		errs = append(errs, errors.New("jwtauth: the key set has no RSA signing keys with key ids"))
	}
	if a.client == nil {
		a.client = &http.Client{Timeout: 5 * time.Second}
	}
	if a.cfg.CacheTTL == 0 {
		a.cfg.CacheTTL = time.Hour
	}
	if a.cfg.MinRefresh == 0 {
		a.cfg.MinRefresh = time.Minute
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return a, nil
}

// rsaKeys returns the RSA public signing keys of set by key id.
func rsaKeys(set *jose.JSONWebKeySet) map[string]*rsa.PublicKey {
	m := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.KeyID == "" || k.Use != "" && k.Use != "sig" {
			continue
		}
		switch pk := k.Key.(type) {
		case *rsa.PublicKey:
			m[k.KeyID] = pk
		case *rsa.PrivateKey:
			m[k.KeyID] = &pk.PublicKey
		}
	}
	return m
}

// Config returns the configuration a was built with, CacheTTL and
// MinRefresh filled with their defaults: the issuer, audiences and
// identity source that an OpenAPI export writes back as the
// authorizer's jwtConfiguration.
func (a *Authorizer) Config() Config { return a.cfg }

// Check reports that JWT authorizers are an HTTP API feature.
func (a *Authorizer) Check(kind event.Source) error {
	if kind != event.HTTPAPI {
		return fmt.Errorf("jwtauth: JWT authorizers are an HTTP API feature, not a %v one", kind)
	}
	return nil
}

// A TokenError says why a token was refused, in the words of the
// www-authenticate header's error_description.
type TokenError struct {
	Description string
	// Scope is set when the token lacks the route's scopes: 403 rather
	// than 401.
	Scope bool
}

func (e *TokenError) Error() string { return "jwtauth: " + e.Description }

func invalid(desc string) *TokenError { return &TokenError{Description: desc} }

// Claims are a verified token's claims, each as the JSON the token
// carries.
type Claims map[string]json.RawMessage

// Verify checks token as API Gateway does at time now, against the
// issuer's keys (fetching them if needed): the algorithm (RSA), the key
// id, the signature, iss, aud or client_id, exp, nbf and iat. It returns
// the claims, or a *TokenError.
func (a *Authorizer) Verify(ctx context.Context, token string, now time.Time) (Claims, error) {
	if len(token) > maxTokenLen {
		return nil, invalid("the token is too large")
	}
	tok, err := jwt.ParseSigned(token, algorithms)
	if err != nil {
		if alg, ok := headerAlgorithm(token); ok && !slices.Contains(algorithms, jose.SignatureAlgorithm(alg)) {
			return nil, invalid("the token's signing algorithm is not supported")
		}
		return nil, invalid("the token is malformed")
	}
	if len(tok.Headers) != 1 {
		return nil, invalid("the token is malformed")
	}
	key, err := a.key(ctx, tok.Headers[0].KeyID, now)
	if err != nil {
		return nil, err
	}
	var claims Claims
	if err := tok.Claims(key, &claims); err != nil {
		return nil, invalid("the token's signature is invalid")
	}
	if err := a.checkClaims(claims, now); err != nil {
		return nil, err
	}
	return claims, nil
}

// headerAlgorithm returns the "alg" of a compact token's header, to tell
// an unsupported algorithm from a malformed token; the header is read,
// not trusted: go-jose parses and verifies the token.
func headerAlgorithm(token string) (string, bool) {
	h, _, ok := strings.Cut(token, ".")
	if !ok {
		return "", false
	}
	b, err := base64.RawURLEncoding.DecodeString(h)
	if err != nil {
		return "", false
	}
	var v struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(b, &v) != nil {
		return "", false
	}
	return v.Alg, true
}

// checkClaims checks the registered claims
// (docs/evidence/authorizers.md#jwt-authorizers).
func (a *Authorizer) checkClaims(c Claims, now time.Time) error {
	if !jsonString(c["iss"], a.issuer) {
		return invalid("the token does not have a valid issuer")
	}
	// aud when present, otherwise client_id.
	ok := false
	if raw, present := c["aud"]; present {
		ok = a.audience(raw)
	} else if raw, present := c["client_id"]; present && len(raw) > 0 && raw[0] == '"' {
		ok = a.audience(raw)
	}
	if !ok {
		return invalid("the token does not have a valid audience")
	}
	exp, ok := numericDate(c["exp"])
	switch {
	case !ok:
		return invalid("the token has no valid expiration time")
	case !now.Before(exp):
		return invalid("the token has expired")
	}
	if raw, present := c["nbf"]; present {
		if nbf, ok := numericDate(raw); !ok || now.Before(nbf) {
			return invalid("the token is not valid yet")
		}
	}
	if raw, present := c["iat"]; present {
		if iat, ok := numericDate(raw); !ok || now.Before(iat) {
			return invalid("the token was issued in the future")
		}
	}
	return nil
}

// audience reports whether raw, a string or a list of strings, holds one
// of the audiences.
func (a *Authorizer) audience(raw json.RawMessage) bool {
	for _, want := range a.audiences {
		if jsonString(raw, want) {
			return true
		}
	}
	if len(raw) == 0 || raw[0] != '[' {
		return false
	}
	var list []string
	if json.Unmarshal(raw, &list) != nil {
		return false
	}
	return intersects(list, a.cfg.Audience)
}

// A quoted is a string and its JSON encoding, to compare claims with
// without decoding them when the token encodes them plainly.
type quoted struct {
	s    string
	json []byte
}

func quote(s string) quoted {
	b, _ := json.Marshal(s)
	return quoted{s, b}
}

// jsonString reports whether raw is the JSON string q.
func jsonString(raw json.RawMessage, q quoted) bool {
	if bytes.Equal(raw, q.json) {
		return true
	}
	if len(raw) == 0 || raw[0] != '"' || !bytes.Contains(raw, []byte{'\\'}) {
		return false // no escapes, and not the plain encoding
	}
	var s string
	return json.Unmarshal(raw, &s) == nil && s == q.s
}

func numericDate(raw json.RawMessage) (time.Time, bool) {
	f, err := strconv.ParseFloat(string(raw), 64)
	if err != nil {
		return time.Time{}, false
	}
	return time.Unix(int64(f), 0), true
}

func intersects(a, b []string) bool {
	for _, x := range a {
		for _, y := range b {
			if x == y {
				return true
			}
		}
	}
	return false
}

// Scopes returns the token's scopes: "scope", space-separated, or "scp",
// a list or a space-separated string.
func (c Claims) Scopes() []string {
	for _, name := range []string{"scope", "scp"} {
		raw, ok := c[name]
		if !ok {
			continue
		}
		var s string
		if json.Unmarshal(raw, &s) == nil {
			return strings.Fields(s)
		}
		var list []string
		if json.Unmarshal(raw, &list) == nil {
			return list
		}
	}
	return nil
}

// Strings returns the claims as API Gateway passes them to the
// integration: strings as they are, numbers and booleans in their JSON
// text, arrays as their elements in brackets separated by spaces
// (docs/evidence/authorizers.md#jwt-claims-in-events).
func (c Claims) Strings() map[string]string {
	out := make(map[string]string, len(c))
	for k, raw := range c {
		out[k] = flatten(raw)
	}
	return out
}

func flatten(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) > 0 && raw[0] == '"':
		var s string
		json.Unmarshal(raw, &s)
		return s
	case len(raw) > 0 && raw[0] == '[':
		var items []json.RawMessage
		json.Unmarshal(raw, &items)
		parts := make([]string, len(items))
		for i, it := range items {
			parts[i] = flatten(it)
		}
		return "[" + strings.Join(parts, " ") + "]"
	}
	var buf bytes.Buffer
	if json.Compact(&buf, raw) == nil {
		return buf.String()
	}
	return string(raw)
}

// key returns the verification key with the given id, fetching the key
// set when it is remote and missing, stale, or lacks the id.
func (a *Authorizer) key(ctx context.Context, kid string, now time.Time) (*rsa.PublicKey, error) {
	if kid == "" {
		return nil, invalid("the token has no key id")
	}
	a.mu.RLock()
	k, fetched := a.keys[kid], a.fetched
	a.mu.RUnlock()
	if !a.remote {
		if k == nil {
			return nil, invalid("the token's key id is not in the issuer's key set")
		}
		return k, nil
	}
	stale := fetched.IsZero() || now.Sub(fetched) >= a.cfg.CacheTTL
	if k != nil && !stale {
		return k, nil
	}
	if err := a.refresh(ctx, now, stale); err != nil && k == nil {
		return nil, err
	}
	a.mu.RLock()
	k = a.keys[kid]
	a.mu.RUnlock()
	if k == nil {
		return nil, invalid("the token's key id is not in the issuer's key set")
	}
	return k, nil
}

// refresh fetches the key set, at most once per MinRefresh unless the
// cached one is stale.
func (a *Authorizer) refresh(ctx context.Context, now time.Time, stale bool) error {
	a.fetch.Lock()
	defer a.fetch.Unlock()
	a.mu.RLock()
	tried, fetched := a.tried, a.fetched
	a.mu.RUnlock()
	if !stale && !tried.IsZero() && now.Sub(tried) < a.cfg.MinRefresh {
		return invalid("the token's key id is not in the issuer's key set")
	}
	if stale && !fetched.IsZero() && now.Sub(fetched) < a.cfg.CacheTTL {
		return nil // another request fetched it meanwhile
	}
	a.mu.Lock()
	a.tried = now
	a.mu.Unlock()
	keys, err := a.download(ctx)
	if err != nil {
		return err
	}
	a.mu.Lock()
	a.keys, a.fetched = keys, now
	a.mu.Unlock()
	return nil
}

// download fetches the JWKS, discovering its URL first if needed.
func (a *Authorizer) download(ctx context.Context) (map[string]*rsa.PublicKey, error) {
	u := a.jwksURL
	if u == "" {
		var disc struct {
			JWKSURI string `json:"jwks_uri"`
		}
		if err := a.getJSON(ctx, strings.TrimSuffix(a.cfg.Issuer, "/")+"/.well-known/openid-configuration", &disc); err != nil {
			return nil, err
		}
		if disc.JWKSURI == "" {
			return nil, errors.New("jwtauth: the issuer's discovery document has no jwks_uri")
		}
		u = disc.JWKSURI
		a.jwksURL = u
	}
	var set jose.JSONWebKeySet
	if err := a.getJSON(ctx, u, &set); err != nil {
		return nil, err
	}
	return rsaKeys(&set), nil
}

func (a *Authorizer) getJSON(ctx context.Context, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("jwtauth: %w", err)
	}
	resp, err := a.client.Do(req)
	if err != nil {
		return fmt.Errorf("jwtauth: fetching %s: %w", url, err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("jwtauth: fetching %s: status %d", url, resp.StatusCode)
	}
	b, err := io.ReadAll(io.LimitReader(resp.Body, maxJWKS+1))
	if err != nil {
		return fmt.Errorf("jwtauth: fetching %s: %w", url, err)
	}
	if len(b) > maxJWKS {
		return fmt.Errorf("jwtauth: %s is over %d bytes", url, maxJWKS)
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("jwtauth: %s: %w", url, err)
	}
	return nil
}

// Authorize reads the token from the request, verifies it at the
// request's time, checks the route's scopes, and grants the claims and
// scopes to the integration; it implements gateway.Authorizer.
func (a *Authorizer) Authorize(ctx context.Context, r *gateway.AuthRequest) (*gateway.Grant, error) {
	token := a.token(r.HTTP)
	if token == "" {
		return nil, authorizer.ErrUnauthorized
	}
	claims, err := a.Verify(ctx, token, r.Time)
	var te *TokenError
	switch {
	case errors.As(err, &te):
		return nil, refusal(te, nil)
	case err != nil:
		return nil, err // the keys could not be fetched: 500
	}
	scopes := claims.Scopes()
	if len(r.Scopes) > 0 && !intersects(scopes, r.Scopes) {
		return nil, refusal(&TokenError{Description: "the token does not have the required scope", Scope: true}, r.Scopes)
	}
	var grantScopes []string
	if len(r.Scopes) > 0 {
		grantScopes = scopes
	}
	return &gateway.Grant{Context: jwtContext(claims.Strings(), grantScopes, r.Payload)}, nil
}

// token returns the token of hr, without a Bearer prefix.
func (a *Authorizer) token(hr *http.Request) string {
	var v string
	if a.where == 'h' {
		v = hr.Header.Get(a.name)
	} else {
		v = hr.URL.Query().Get(a.name)
	}
	v = strings.TrimSpace(v)
	if len(v) > 7 && strings.EqualFold(v[:7], "bearer ") {
		v = strings.TrimSpace(v[7:])
	}
	return v
}

// refusal is API Gateway's answer to a token it refuses: 401
// {"message":"Unauthorized"} with www-authenticate, or 403 Forbidden for
// missing scopes.
func refusal(te *TokenError, scopes []string) *gateway.Refusal {
	var ref *gateway.Refusal
	h := `Bearer scope="" error="invalid_token" error_description="` + te.Description + `"`
	if te.Scope {
		ref = gateway.Refuse(http.StatusForbidden, "Forbidden", "", te.Description)
		h = `Bearer scope="` + strings.Join(scopes, " ") + `" error="insufficient_scope" error_description="` + te.Description + `"`
	} else {
		ref = gateway.Refuse(http.StatusUnauthorized, "Unauthorized", "", te.Description)
	}
	ref.Header = http.Header{"Www-Authenticate": {h}}
	return ref
}

// jwtContext returns requestContext.authorizer for an integration of
// payload v: {"jwt":{"claims":…,"scopes":…}} for 2.0, the claims and
// scopes themselves for 1.0.
func jwtContext(claims map[string]string, scopes []string, v event.PayloadVersion) json.RawMessage {
	b := []byte(`{"claims":{`)
	for i, k := range sortedKeys(claims) {
		if i > 0 {
			b = append(b, ',')
		}
		b = jsonx.AppendString(b, k)
		b = append(b, ':')
		b = jsonx.AppendString(b, claims[k])
	}
	b = append(b, `},"scopes":`...)
	if scopes == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, s := range scopes {
			if i > 0 {
				b = append(b, ',')
			}
			b = jsonx.AppendString(b, s)
		}
		b = append(b, ']')
	}
	b = append(b, '}')
	if v == event.PayloadV1 {
		return b
	}
	return append(append([]byte(`{"jwt":`), b...), '}')
}

func sortedKeys(m map[string]string) []string {
	return slices.Sorted(maps.Keys(m))
}

var _ gateway.Authorizer = (*Authorizer)(nil)
var _ gateway.Checker = (*Authorizer)(nil)
