package cors

import (
	"net/http"

	"github.com/lambdagate/lambdagate/event"
)

// CORS is a checked [Config], ready to answer requests. Build it with
// [New]. A CORS is immutable and safe for simultaneous use by multiple
// goroutines; its methods allocate nothing, except where noted.
type CORS struct {
	anyOrigin   bool
	exact       map[string]struct{} // lower-case origins, when there are many
	exactList   []string            // lower-case origins, when there are few
	schemes     []string            // "scheme://" prefixes
	subdomains  []originPattern
	credentials bool
	methods     string // joined with ","; "" sends no header
	headers     string
	expose      string
	maxAge      string
	refused     int // status of a refused preflight

	// Values for http.Header, built once; each has cap == len, so that
	// an append by a later handler copies instead of writing into them.
	hStar, hTrue, hMethods, hHeaders, hExpose, hMaxAge, hVary []string
}

// New checks cfg and returns a CORS built from it. The error, when not
// nil, reports every problem in cfg, joined with [errors.Join]; it
// matches [ErrCredentialsWithAnyOrigin] with [errors.Is] when cfg
// combines AllowCredentials with a "*" origin.
func New(cfg Config) (*CORS, error) {
	return compile(cfg)
}

// MustNew is like [New] but panics if cfg is invalid. It simplifies
// package-level variables holding a fixed configuration.
func MustNew(cfg Config) *CORS {
	c, err := New(cfg)
	if err != nil {
		panic(err)
	}
	return c
}

func (c *CORS) init() {
	one := func(s string) []string {
		if s == "" {
			return nil
		}
		return []string{s}[:1:1]
	}
	c.hStar = one("*")
	c.hTrue = one("true")
	c.hMethods = one(c.methods)
	c.hHeaders = one(c.headers)
	c.hExpose = one(c.expose)
	c.hMaxAge = one(c.maxAge)
	c.hVary = one("Origin")
}

// Header names as HTTP APIs send them (lower case) and as net/http
// canonicalizes them.
const (
	hdrOrigin = "origin"
	hdrACRM   = "access-control-request-method"
	hdrACAO   = "access-control-allow-origin"
	hdrACAC   = "access-control-allow-credentials"
	hdrACAM   = "access-control-allow-methods"
	hdrACAH   = "access-control-allow-headers"
	hdrACMA   = "access-control-max-age"
	hdrACEH   = "access-control-expose-headers"
	hdrVary   = "vary"

	canonOrigin = "Origin"
	canonACRM   = "Access-Control-Request-Method"
	canonACAO   = "Access-Control-Allow-Origin"
	canonACAC   = "Access-Control-Allow-Credentials"
	canonACAM   = "Access-Control-Allow-Methods"
	canonACAH   = "Access-Control-Allow-Headers"
	canonACMA   = "Access-Control-Max-Age"
	canonACEH   = "Access-Control-Expose-Headers"
	canonVary   = "Vary"

	canonContentType = "Content-Type"

	accessControlPrefix = "access-control-"
)

// AllowOrigin returns the Access-Control-Allow-Origin value for a request
// with the given Origin header value: "*" when the configuration allows
// any origin, origin itself when a pattern allows it. ok is false when
// origin is empty or not allowed.
func (c *CORS) AllowOrigin(origin string) (value string, ok bool) {
	if origin == "" {
		return "", false
	}
	if c.anyOrigin {
		return "*", true
	}
	if c.matchOrigin(origin) {
		return origin, true
	}
	return "", false
}

// matchOrigin reports whether a pattern other than "*" allows origin.
func (c *CORS) matchOrigin(o string) bool {
	if len(o) > MaxOriginLen {
		return false
	}
	for _, e := range c.exactList {
		if len(e) == len(o) && (e == o || equalFold(e, o)) {
			return true
		}
	}
	if c.exact != nil {
		if _, ok := c.exact[o]; ok {
			return true
		}
		if hasUpper(o) {
			var buf [MaxOriginLen]byte
			b := buf[:len(o)]
			for i := 0; i < len(o); i++ {
				b[i] = toLower(o[i])
			}
			if _, ok := c.exact[string(b)]; ok {
				return true
			}
		}
	}
	for _, p := range c.schemes {
		if len(o) > len(p) && hasPrefixFold(o, p) && validHostPort(o[len(p):]) {
			return true
		}
	}
	for _, p := range c.subdomains {
		n := len(o) - len(p.prefix) - len(p.suffix)
		if n > 0 && hasPrefixFold(o, p.prefix) && hasSuffixFold(o, p.suffix) &&
			n+p.hostLen <= 253 && validDNSName(o[len(p.prefix):len(p.prefix)+n]) {
			return true
		}
	}
	return false
}

// validHostPort reports whether s is host or host:port as an Origin
// header carries them: a DNS-shaped host or a bracketed IPv6 address,
// with an optional decimal port. It does not allocate.
func validHostPort(s string) bool {
	host := s
	if s != "" && s[0] == '[' {
		j := indexByte(s, ']')
		if j < 0 {
			return false
		}
		host = s[:j+1]
		if rest := s[j+1:]; rest != "" {
			if rest[0] != ':' || !validPort(rest[1:]) {
				return false
			}
		}
		return validIPv6(host)
	}
	if j := lastIndexByte(s, ':'); j >= 0 {
		if !validPort(s[j+1:]) {
			return false
		}
		host = s[:j]
	}
	return validDNSName(host)
}

// IsPreflight reports whether a request with this method and header is a
// CORS preflight: OPTIONS with a non-empty Origin and a non-empty
// Access-Control-Request-Method. Any other request, OPTIONS included, is
// an actual request.
func IsPreflight(method string, h event.Header) bool {
	if method != http.MethodOptions {
		return false
	}
	origin, acrm := scan(h)
	return origin != "" && acrm != ""
}

// IsPreflightHTTP is [IsPreflight] for a net/http request.
func IsPreflightHTTP(r *http.Request) bool {
	return r.Method == http.MethodOptions && first(r.Header[canonOrigin]) != "" && first(r.Header[canonACRM]) != ""
}

// scan returns the first Origin and Access-Control-Request-Method values
// of h in one pass.
func scan(h event.Header) (origin, acrm string) {
	var gotOrigin, gotACRM bool
	for i := range h {
		n := h[i].Name
		switch len(n) {
		case len(hdrOrigin):
			if !gotOrigin && equalFold(n, hdrOrigin) {
				origin, gotOrigin = h[i].Value, true
			}
		case len(hdrACRM):
			if !gotACRM && equalFold(n, hdrACRM) {
				acrm, gotACRM = h[i].Value, true
			}
		}
	}
	return origin, acrm
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// Preflight appends to dst the header fields that answer a preflight
// carrying request header req, and returns them with the status to
// answer: 204 with the CORS headers when the origin is allowed, the
// configured refused status without them otherwise. Both carry
// Vary: Origin. The answer has no body. Names are lower case, as HTTP APIs
// send them.
//
// It is the gateway's automatic answer, for a preflight no route
// captures. It allocates only if dst lacks room for six fields.
func (c *CORS) Preflight(dst, req event.Header) (event.Header, int) {
	origin, _ := scan(req)
	acao, ok := c.AllowOrigin(origin)
	if !ok {
		return append(dst, event.Field{Name: hdrVary, Value: canonOrigin}), c.refused
	}
	dst = c.appendPreflight(dst, acao)
	return append(dst, event.Field{Name: hdrVary, Value: canonOrigin}), http.StatusNoContent
}

func (c *CORS) appendPreflight(dst event.Header, acao string) event.Header {
	dst = append(dst, event.Field{Name: hdrACAO, Value: acao})
	if c.credentials {
		dst = append(dst, event.Field{Name: hdrACAC, Value: "true"})
	}
	if c.methods != "" {
		dst = append(dst, event.Field{Name: hdrACAM, Value: c.methods})
	}
	if c.headers != "" {
		dst = append(dst, event.Field{Name: hdrACAH, Value: c.headers})
	}
	if c.maxAge != "" {
		dst = append(dst, event.Field{Name: hdrACMA, Value: c.maxAge})
	}
	return dst
}

// Apply sets the CORS headers of a handler's response to a request with
// the given method and header, and returns the new header: it removes
// every Access-Control-* field of dst (API Gateway ignores those of the
// backend), adds the ones the configuration gives when the origin is
// allowed, and adds Vary: Origin unless a Vary field already lists it.
//
// For an actual request those are Access-Control-Allow-Origin,
// -Allow-Credentials and -Expose-Headers. For a preflight that a route
// captured (see [Router]) they are the ones of [CORS.Preflight], with the
// handler's status and body kept.
//
// It edits dst in place and allocates only if dst lacks room for the
// added fields.
func (c *CORS) Apply(dst event.Header, method string, req event.Header) event.Header {
	origin, acrm := scan(req)
	return c.apply(dst, method == http.MethodOptions && origin != "" && acrm != "", origin)
}

func (c *CORS) apply(dst event.Header, preflight bool, origin string) event.Header {
	dst, hasVary := stripAccessControl(dst)
	if acao, ok := c.AllowOrigin(origin); ok {
		if preflight {
			dst = c.appendPreflight(dst, acao)
		} else {
			dst = append(dst, event.Field{Name: hdrACAO, Value: acao})
			if c.credentials {
				dst = append(dst, event.Field{Name: hdrACAC, Value: "true"})
			}
			if c.expose != "" {
				dst = append(dst, event.Field{Name: hdrACEH, Value: c.expose})
			}
		}
	}
	if !hasVary {
		dst = append(dst, event.Field{Name: hdrVary, Value: canonOrigin})
	}
	return dst
}

// stripAccessControl removes every Access-Control-* field of h in place,
// and reports whether a Vary field lists Origin (or is "*").
func stripAccessControl(h event.Header) (event.Header, bool) {
	hasVary := false
	j := 0
	for i := range h {
		n := h[i].Name
		if len(n) >= len(accessControlPrefix) && equalFold(n[:len(accessControlPrefix)], accessControlPrefix) {
			continue
		}
		if !hasVary && len(n) == len(hdrVary) && equalFold(n, hdrVary) && listHasToken(h[i].Value, canonOrigin) {
			hasVary = true
		}
		h[j] = h[i]
		j++
	}
	clear(h[j:])
	return h[:j], hasVary
}

// PreflightHTTP is [CORS.Preflight] for net/http: it sets the answer's
// headers in dst, with canonical names, and returns the status to write.
// It allocates nothing beyond what inserting into dst costs; the values it
// stores are shared and must not be modified in place.
func (c *CORS) PreflightHTTP(dst, req http.Header) int {
	origins := req[canonOrigin]
	acao, ok := c.allowOriginHTTP(origins)
	if ok {
		c.setPreflightHTTP(dst, acao)
	}
	c.addVaryHTTP(dst, dst[canonVary])
	if !ok {
		return c.refused
	}
	return http.StatusNoContent
}

// allowOriginHTTP returns the Access-Control-Allow-Origin value for the
// Origin values of a request, reusing the request's own slice when the
// origin is echoed.
func (c *CORS) allowOriginHTTP(origins []string) ([]string, bool) {
	if len(origins) == 0 || origins[0] == "" {
		return nil, false
	}
	if c.anyOrigin {
		return c.hStar, true
	}
	if c.matchOrigin(origins[0]) {
		return origins[:1:1], true
	}
	return nil, false
}

func (c *CORS) setPreflightHTTP(dst http.Header, acao []string) {
	dst[canonACAO] = acao
	if c.credentials {
		dst[canonACAC] = c.hTrue
	}
	if c.hMethods != nil {
		dst[canonACAM] = c.hMethods
	}
	if c.hHeaders != nil {
		dst[canonACAH] = c.hHeaders
	}
	if c.hMaxAge != nil {
		dst[canonACMA] = c.hMaxAge
	}
}

// ApplyHTTP is [CORS.Apply] for net/http: it edits dst, a response
// header about to be written, for a request with the given method and
// header. As Apply does, it removes every key of dst that begins with
// "Access-Control-", in any case (a key stored directly in a
// non-canonical form too). It reads the Vary header as [http.Header.Get]
// does, by its canonical key.
//
// It allocates nothing unless Origin is appended to an existing Vary
// header. It costs least when dst is empty or holds only Content-Type,
// which it recognizes without ranging over dst.
func (c *CORS) ApplyHTTP(dst http.Header, method string, req http.Header) {
	origins := req[canonOrigin]
	c.applyHTTP(dst, method == http.MethodOptions && first(origins) != "" && first(req[canonACRM]) != "", origins)
}

func (c *CORS) applyHTTP(dst http.Header, preflight bool, origins []string) {
	acao, allowed := c.allowOriginHTTP(origins)
	// Ranging over a map costs as much as the rest of this function, so
	// the headers most handlers leave (none, or only Content-Type) are
	// recognized by the map's length and one lookup: then dst holds no
	// Access-Control-* key and no Vary. Any other dst is ranged over.
	var vary []string
	switch len(dst) {
	case 0:
	case 1:
		if _, ok := dst[canonContentType]; ok {
			break
		}
		fallthrough
	default:
		vary = c.stripAccessControlHTTP(dst, allowed, preflight)
	}
	if allowed {
		if preflight {
			c.setPreflightHTTP(dst, acao)
		} else {
			dst[canonACAO] = acao
			if c.credentials {
				dst[canonACAC] = c.hTrue
			}
			if c.hExpose != nil {
				dst[canonACEH] = c.hExpose
			}
		}
	}
	if vary == nil {
		dst[canonVary] = c.hVary
	} else {
		c.addVaryHTTP(dst, vary)
	}
}

// stripAccessControlHTTP deletes every key of h that begins with
// "Access-Control-" in any case, except the canonical keys that
// applyHTTP is about to set, and returns h's Vary values.
func (c *CORS) stripAccessControlHTTP(h http.Header, allowed, preflight bool) (vary []string) {
	for k, v := range h {
		if len(k) >= len(accessControlPrefix) && hasPrefixFold(k, accessControlPrefix) {
			if !allowed || !c.setsHTTP(k, preflight) {
				delete(h, k)
			}
		} else if k == canonVary {
			vary = v
		}
	}
	return vary
}

// setsHTTP reports whether applyHTTP sets the canonical key k for a
// request from an allowed origin.
func (c *CORS) setsHTTP(k string, preflight bool) bool {
	switch k {
	case canonACAO:
		return true
	case canonACAC:
		return c.credentials
	case canonACEH:
		return !preflight && c.hExpose != nil
	case canonACAM:
		return preflight && c.hMethods != nil
	case canonACAH:
		return preflight && c.hHeaders != nil
	case canonACMA:
		return preflight && c.hMaxAge != nil
	}
	return false
}

// addVaryHTTP adds Origin to vs, the Vary header of dst, unless it is
// listed.
func (c *CORS) addVaryHTTP(dst http.Header, vs []string) {
	for _, v := range vs {
		if listHasToken(v, canonOrigin) {
			return
		}
	}
	if len(vs) == 0 {
		dst[canonVary] = c.hVary
		return
	}
	dst[canonVary] = append(vs, canonOrigin)
}

// listHasToken reports whether the comma-separated list s holds tok
// (ASCII case-insensitively) or "*".
func listHasToken(s, tok string) bool {
	for len(s) > 0 {
		i := indexByte(s, ',')
		var item string
		if i < 0 {
			item, s = s, ""
		} else {
			item, s = s[:i], s[i+1:]
		}
		item = trimOWS(item)
		if item == "*" || equalFold(item, tok) {
			return true
		}
	}
	return false
}

func trimOWS(s string) string {
	for len(s) > 0 && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for len(s) > 0 && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func lastIndexByte(s string, c byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func toLower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func hasUpper(s string) bool {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			return true
		}
	}
	return false
}

// equalFold reports whether ASCII strings a and b are equal ignoring case.
func equalFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if a[i] != b[i] && toLower(a[i]) != toLower(b[i]) {
			return false
		}
	}
	return true
}

// hasPrefixFold reports whether s begins with the lower-case prefix p,
// ignoring the case of s.
func hasPrefixFold(s, p string) bool {
	return len(s) >= len(p) && equalFold(s[:len(p)], p)
}

// hasSuffixFold reports whether s ends with the lower-case suffix p,
// ignoring the case of s.
func hasSuffixFold(s, p string) bool {
	return len(s) >= len(p) && equalFold(s[len(s)-len(p):], p)
}
