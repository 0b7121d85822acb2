package cors

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"
)

// Config is an HTTP API CORS configuration: the fields of API Gateway's
// Cors object (CloudFormation AWS::ApiGatewayV2::Api Cors, OpenAPI
// x-amazon-apigateway-cors), plus the status of a refused preflight.
//
// The zero Config is valid and allows no origin: preflights get the
// refused status and no response carries CORS headers.
type Config struct {
	// AllowOrigins lists the allowed origins, each one of:
	//   - "*": any origin. It cannot be combined with AllowCredentials.
	//   - an origin, "scheme://host" or "scheme://host:port", compared
	//     ASCII case-insensitively.
	//   - "https://*" or "http://*" (any scheme): any origin with that
	//     scheme, as AWS documents.
	//   - "https://*.example.com" or "https://*.example.com:8443": any
	//     origin whose host is a subdomain (one or more labels) of
	//     example.com, with that scheme and port. This is an extension:
	//     AWS documents only scheme wildcards.
	AllowOrigins []string `json:"allowOrigins,omitempty"`
	// AllowMethods is sent as Access-Control-Allow-Methods in preflight
	// responses, in order. Each entry is an HTTP method token of 1 to 64
	// characters, or "*".
	AllowMethods []string `json:"allowMethods,omitempty"`
	// AllowHeaders is sent as Access-Control-Allow-Headers in preflight
	// responses, in order. Each entry is a header name or "*".
	AllowHeaders []string `json:"allowHeaders,omitempty"`
	// ExposeHeaders is sent as Access-Control-Expose-Headers in actual
	// responses, in order. Each entry is a header name or "*".
	ExposeHeaders []string `json:"exposeHeaders,omitempty"`
	// MaxAge is how many seconds a browser may cache a preflight answer,
	// from -1 to 86400. Zero sends no Access-Control-Max-Age (browsers then
	// cache for 5 seconds); -1 sends "0", which disables caching.
	MaxAge int `json:"maxAge,omitempty"`
	// AllowCredentials sends Access-Control-Allow-Credentials: true.
	AllowCredentials bool `json:"allowCredentials,omitempty"`

	// DisallowedPreflightStatus is the status of the answer to a preflight
	// whose origin is not allowed: 0 means 204, otherwise 200 to 599
	// (403 is the usual alternative). That answer carries no CORS
	// headers, so the browser fails the request whatever the status.
	DisallowedPreflightStatus int `json:"-"`
}

// ErrCredentialsWithAnyOrigin is the error, within the one [New] returns,
// for AllowCredentials with a "*" origin. AWS refuses that configuration
// with BadRequestException "allow-credentials is not supported if
// 'allow-origin' is *"; browsers refuse credentialed responses carrying
// Access-Control-Allow-Origin: *.
var ErrCredentialsWithAnyOrigin = errors.New("cors: allow-credentials is not supported if 'allow-origin' is *")

// A WildcardCredentialsError is the error, within the one [New] returns,
// for AllowCredentials with an origin that matches every origin of a
// scheme ("https://*"): it lets any site of that scheme make credentialed
// requests, as "*" would, so it is refused as "*" is. errors.Is reports
// it as [ErrCredentialsWithAnyOrigin].
type WildcardCredentialsError struct {
	Origin string // the AllowOrigins entry
}

func (e *WildcardCredentialsError) Error() string {
	return fmt.Sprintf("cors: allow-credentials is not supported with origin %q, which allows every origin of its scheme", e.Origin)
}

// Is reports whether target is ErrCredentialsWithAnyOrigin.
func (e *WildcardCredentialsError) Is(target error) bool {
	return target == ErrCredentialsWithAnyOrigin
}

// MaxOriginLen is the longest Origin value an origin pattern other than
// "*" can match. A serialized origin has a host of at most 253 bytes, so
// longer values are not origins a browser sends.
const MaxOriginLen = 512

// maxExactList is the number of exact origins up to which they are
// compared one by one; more go in a map. It is a variable for testing.
var maxExactList = 8

// Limits from the API Gateway v2 API.
const (
	maxMethodLen = 64
	minMaxAge    = -1
	maxMaxAge    = 86400
)

// pattern kinds
const (
	patExact     = iota // scheme://host[:port]
	patScheme           // scheme://*
	patSubdomain        // scheme://*.domain[:port]
)

// An originPattern is one parsed AllowOrigins entry other than "*".
// For patSubdomain, prefix is "scheme://" and suffix ".domain[:port]";
// for patScheme, prefix is "scheme://"; for patExact, prefix is the origin.
// All are lower case.
type originPattern struct {
	kind    int
	prefix  string
	suffix  string
	hostLen int // for patSubdomain, the length of ".domain"
}

// parseOrigin parses one AllowOrigins entry other than "*".
func parseOrigin(s string) (originPattern, error) {
	if s == "" {
		return originPattern{}, errors.New("empty origin")
	}
	if s == "null" {
		return originPattern{}, errors.New(`"null" is sent by every sandboxed or file: page; allowing it allows them all`)
	}
	if strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r >= 0x7f }) {
		return originPattern{}, errors.New("contains a space, a control or a non-ASCII character (use the punycode form of the host)")
	}
	i := strings.Index(s, "://")
	if i < 0 {
		return originPattern{}, errors.New(`missing scheme (want "https://host")`)
	}
	scheme, rest := s[:i], s[i+3:]
	if !validScheme(scheme) {
		return originPattern{}, fmt.Errorf("invalid scheme %q", scheme)
	}
	lower := strings.ToLower(s)
	prefix := lower[:i+3]
	if rest == "*" {
		return originPattern{kind: patScheme, prefix: prefix}, nil
	}
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		return originPattern{}, errors.New("an origin has no path, query or fragment (remove the trailing part, even a single '/')")
	}
	if strings.Contains(rest, "@") {
		return originPattern{}, errors.New("an origin has no user information")
	}
	host, port, err := splitHostPort(rest)
	if err != nil {
		return originPattern{}, err
	}
	if port != "" {
		if (scheme == "https" && port == "443") || (scheme == "http" && port == "80") {
			return originPattern{}, fmt.Errorf("default port %s: browsers send the origin without it", port)
		}
	}
	if strings.HasPrefix(host, "*.") {
		domain := host[2:]
		if strings.Contains(domain, "*") {
			return originPattern{}, errors.New(`only one wildcard, as the first label ("https://*.example.com")`)
		}
		if !validDNSName(domain) || len(domain) > 251 {
			return originPattern{}, fmt.Errorf("invalid host %q", domain)
		}
		if !strings.Contains(domain, ".") {
			return originPattern{}, fmt.Errorf("wildcard over a top-level domain %q", domain)
		}
		return originPattern{kind: patSubdomain, prefix: prefix, suffix: lower[len(prefix)+1:], hostLen: len(host) - 1}, nil
	}
	if strings.Contains(host, "*") {
		return originPattern{}, errors.New(`a wildcard is allowed only as the whole host ("https://*") or as the first label ("https://*.example.com")`)
	}
	if !validHost(host) {
		return originPattern{}, fmt.Errorf("invalid host %q", host)
	}
	return originPattern{kind: patExact, prefix: lower}, nil
}

// splitHostPort splits host[:port], checking the port, which must be a
// number from 1 to 65535 without leading zeros.
func splitHostPort(s string) (host, port string, err error) {
	host = s
	if strings.HasPrefix(s, "[") {
		j := strings.IndexByte(s, ']')
		if j < 0 {
			return "", "", errors.New("unclosed '[' in host")
		}
		host = s[:j+1]
		s = s[j+1:]
		if s == "" {
			return host, "", nil
		}
		if s[0] != ':' {
			return "", "", fmt.Errorf("unexpected %q after host", s)
		}
		port = s[1:]
	} else if j := strings.LastIndexByte(s, ':'); j >= 0 {
		host, port = s[:j], s[j+1:]
	} else {
		return host, "", nil
	}
	if !validPort(port) {
		return "", "", fmt.Errorf("invalid port %q", port)
	}
	return host, port, nil
}

func validPort(p string) bool {
	if len(p) > 5 || !isDigits(p) || p[0] == '0' {
		return false
	}
	n, _ := strconv.Atoi(p) // cannot fail: at most five digits
	return n <= 65535
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// validScheme reports whether s is an RFC 3986 scheme.
func validScheme(s string) bool {
	if s == "" || !isAlpha(s[0]) {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !isAlpha(c) && !isDigit(c) && c != '+' && c != '-' && c != '.' {
			return false
		}
	}
	return true
}

// validHost reports whether s is a DNS name, an IPv4 address (which is a
// DNS-shaped name) or a bracketed IPv6 address.
func validHost(s string) bool {
	if strings.HasPrefix(s, "[") {
		return validIPv6(s)
	}
	return validDNSName(s)
}

func validIPv6(s string) bool {
	if len(s) < 4 || s[0] != '[' || s[len(s)-1] != ']' {
		return false
	}
	inner := s[1 : len(s)-1]
	for i := 0; i < len(inner); i++ {
		c := inner[i]
		if !isHex(c) && c != ':' && c != '.' {
			return false
		}
	}
	return strings.Contains(inner, ":")
}

// validDNSName reports whether s is a host name of labels of letters,
// digits and hyphens separated by dots, at most 253 bytes, each label 1
// to 63 bytes and not starting or ending with a hyphen.
func validDNSName(s string) bool {
	if s == "" || len(s) > 253 {
		return false
	}
	for {
		i := indexByte(s, '.')
		if i < 0 {
			return validLabel(s)
		}
		if !validLabel(s[:i]) {
			return false
		}
		s = s[i+1:]
	}
}

func validLabel(l string) bool {
	if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
		return false
	}
	for i := 0; i < len(l); i++ {
		c := l[i]
		if !isAlpha(c) && !isDigit(c) && c != '-' {
			return false
		}
	}
	return true
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }
func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isHex(c byte) bool   { return isDigit(c) || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// isTchar reports whether c may appear in an RFC 9110 token (method and
// header names).
func isTchar(c byte) bool {
	if isAlpha(c) || isDigit(c) {
		return true
	}
	return strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0
}

func validToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !isTchar(s[i]) {
			return false
		}
	}
	return true
}

// compile checks cfg and builds a CORS from it, reporting every problem.
func compile(cfg Config) (*CORS, error) {
	var errs []error
	c := &CORS{credentials: cfg.AllowCredentials}

	seen := make(map[string]bool)
	for _, o := range cfg.AllowOrigins {
		if o == "*" {
			c.anyOrigin = true
			continue
		}
		p, err := parseOrigin(o)
		if err != nil {
			errs = append(errs, fmt.Errorf("cors: invalid origin %q: %w", o, err))
			continue
		}
		key := fmt.Sprint(p.kind, p.prefix, p.suffix)
		if seen[key] {
			continue
		}
		seen[key] = true
		switch p.kind {
		case patExact:
			c.exactList = append(c.exactList, p.prefix)
		case patScheme:
			c.schemes = append(c.schemes, p.prefix)
			if cfg.AllowCredentials {
				// Every origin of a scheme is as open as "*": echoing each
				// one with credentials is what refusing "*" prevents.
				errs = append(errs, &WildcardCredentialsError{Origin: o})
			}
		case patSubdomain:
			c.subdomains = append(c.subdomains, p)
		}
	}
	if c.anyOrigin && cfg.AllowCredentials {
		errs = append(errs, ErrCredentialsWithAnyOrigin)
	}

	checkList := func(field string, list []string, valid func(string) bool, what string) string {
		var out []string
		for _, v := range list {
			if v != "*" && !valid(v) {
				errs = append(errs, fmt.Errorf("cors: %s: invalid %s %q", field, what, v))
				continue
			}
			if !slices.Contains(out, v) {
				out = append(out, v)
			}
		}
		return strings.Join(out, ",")
	}
	c.methods = checkList("AllowMethods", cfg.AllowMethods, func(m string) bool {
		return len(m) <= maxMethodLen && validToken(m)
	}, "method")
	c.headers = checkList("AllowHeaders", cfg.AllowHeaders, validToken, "header name")
	c.expose = checkList("ExposeHeaders", cfg.ExposeHeaders, validToken, "header name")

	switch {
	case cfg.MaxAge < minMaxAge || cfg.MaxAge > maxMaxAge:
		errs = append(errs, fmt.Errorf("cors: MaxAge %d out of range [%d, %d]", cfg.MaxAge, minMaxAge, maxMaxAge))
	case cfg.MaxAge == -1:
		c.maxAge = "0"
	case cfg.MaxAge > 0:
		c.maxAge = strconv.Itoa(cfg.MaxAge)
	}

	c.refused = http.StatusNoContent
	if s := cfg.DisallowedPreflightStatus; s != 0 {
		if s < 200 || s > 599 {
			errs = append(errs, fmt.Errorf("cors: DisallowedPreflightStatus %d out of range [200, 599]", s))
		}
		c.refused = s
	}

	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	if len(c.exactList) > maxExactList {
		c.exact = make(map[string]struct{}, len(c.exactList))
		for _, o := range c.exactList {
			c.exact[o] = struct{}{}
		}
		c.exactList = nil
	}
	c.init()
	return c, nil
}
