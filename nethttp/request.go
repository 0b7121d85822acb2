package nethttp

import (
	"bytes"
	"encoding/binary"
	"net/http"
	"net/url"
	"strings"
	"unsafe"

	"github.com/lambdagate/lambdagate/event"
	"github.com/lambdagate/lambdagate/internal/ascii"
)

// request fills hr with the request a net/http server would have built
// for the client's original request. It returns what a net/http server
// would say in its 400 response and false when the event cannot be such
// a request ("" for a malformed request line, which net/http answers
// without a reason).
func (x *exchange) request(hr *http.Request, req *event.Request, c *config) (string, bool) {
	method := req.Method
	if method == "" {
		method = http.MethodGet
		if req.Source == event.WebSocket {
			method = http.MethodPost
		}
	}
	if !isToken(method) {
		return "invalid method", false
	}
	p, decoded := routePath(req, c)
	if p[0] != '/' {
		// Not an origin-form request target.
		return "", false
	}
	u := &x.url
	if decoded {
		u.Path = p
	} else {
		if hasCTL(p) {
			return "", false
		}
		if strings.IndexByte(p, '%') >= 0 {
			dec, err := url.PathUnescape(p)
			if err != nil {
				return "", false
			}
			u.Path = dec
		} else {
			u.Path = p
		}
	}
	escaped := u.EscapedPath()
	if !decoded && escaped != p {
		u.RawPath = p
		escaped = u.EscapedPath()
	}
	if hasCTL(req.RawQuery) {
		return "", false
	}
	u.RawQuery = req.RawQuery

	// A Host header is the client's and is checked as net/http checks
	// it; the domain name, used without one, is the gateway's.
	host, ok := req.Header.Lookup("Host")
	if !ok || host == "" {
		host = req.DomainName
	} else if !validHost(host) {
		return "malformed Host header", false
	}
	h, why := x.requestHeader(req)
	if why != "" {
		return why, false
	}

	*hr = http.Request{
		Method:     method,
		URL:        u,
		Proto:      "HTTP/1.1",
		ProtoMajor: 1,
		ProtoMinor: 1,
		Header:     h,
		Body:       http.NoBody,
		Host:       host,
	}
	hr.RemoteAddr, hr.RequestURI = requestStrings(x.strs[:0], req.SourceIP, escaped, req.RawQuery)
	if proto := req.Context.Protocol; proto != "" && proto != "HTTP/1.1" {
		if major, minor, ok := http.ParseHTTPVersion(proto); ok {
			hr.Proto, hr.ProtoMajor, hr.ProtoMinor = proto, major, minor
		} else if proto == "HTTP/2" {
			hr.Proto, hr.ProtoMajor, hr.ProtoMinor = "HTTP/2.0", 2, 0
		}
	}
	if len(req.Body) > 0 {
		body := new(reqBody)
		body.Reader.Reset(req.Body)
		hr.Body = body
		hr.ContentLength = int64(len(req.Body))
	}
	if secure(req) {
		name := host
		if i := strings.LastIndexByte(name, ':'); i >= 0 && !strings.HasSuffix(name, "]") {
			name = name[:i]
		}
		hr.TLS = x.a.tlsState(strings.Trim(name, "[]"))
	}
	return "", true
}

// requestStrings returns RemoteAddr and RequestURI, written into buf
// when they fit in its capacity and into one allocation otherwise; buf
// is never written again, so the strings stay as they are. A net/http
// server's RemoteAddr is always host:port, as net.JoinHostPort writes
// it; the events carry no client port, so it is 0. RemoteAddr is empty
// for an event without a source IP.
func requestStrings(buf []byte, ip, path, query string) (remote, uri string) {
	if ip == "" && query == "" {
		return "", path
	}
	var open, close string
	if ip != "" {
		close = ":0"
		if strings.IndexByte(ip, ':') >= 0 {
			open, close = "[", "]:0"
		}
	}
	n := len(open) + len(ip) + len(close)
	size := n + len(path)
	if query != "" {
		size += 1 + len(query)
	}
	if cap(buf) < size {
		buf = make([]byte, 0, size)
	}
	b := append(buf[:0], open...)
	b = append(b, ip...)
	b = append(b, close...)
	b = append(b, path...)
	if query != "" {
		b = append(b, '?')
		b = append(b, query...)
	}
	s := unsafe.String(unsafe.SliceData(b), len(b))
	return s[:n], s[n:]
}

// secure reports whether the client used HTTPS: always for API Gateway
// and function URLs, which have no plain HTTP endpoints; for an ALB, when
// the listener said so in X-Forwarded-Proto.
func secure(req *event.Request) bool {
	switch req.Source {
	case event.ALB, event.ALBMultiValue:
		return strings.EqualFold(req.Header.Get("X-Forwarded-Proto"), "https")
	}
	return true
}

// requestHeader returns the request header as net/http builds it: canonical
// names, every value, Host promoted to Request.Host, and a Cookie header
// rebuilt from the cookies array where the event has none. Names that are not tokens
// and values with control characters are refused, as net/http refuses
// them, with its reason. (Function URLs send the Cookie header beside the
// cookies array, but aws-lambda-go's sample event has only the array, so
// the header is rebuilt for any source whose event lacks it.)
//
// The values of a run of fields with one name (as multi-value events
// send them) share one slice of the exchange's storage; a name that comes
// back after another (different case) gets its values gathered afresh.
func (x *exchange) requestHeader(req *event.Request) (http.Header, string) {
	fields := req.Header
	cookie := len(req.Cookies) > 0 && !fields.Has("Cookie")
	n := len(fields)
	if cookie {
		n++
	}
	vals := x.vals[:0]
	if n > len(x.vals) {
		vals = make([]string, 0, n)
	}
	var keyBuf [32]string
	keys := keyBuf[:0]
	if len(fields) > len(keyBuf) {
		keys = make([]string, 0, len(fields))
	}
	names := x.names[:0] // canonical names that are not interned
	distinct := 0
	for i, f := range fields {
		if !validValue(f.Value) {
			// net/http reads the name first, but a bad name and a bad
			// value cannot both be reported: check the name below.
			if !isToken(f.Name) {
				return nil, "invalid header name"
			}
			return nil, "invalid header value"
		}
		k, ok := canonicalName(f.Name, &names, fields[i:])
		if !ok {
			return nil, "invalid header name"
		}
		keys = append(keys, k)
		vals = append(vals, f.Value)
		if k != "Host" && (i == 0 || keys[i-1] != k) {
			distinct++
		}
	}
	if cookie {
		distinct++
	}
	h := make(http.Header, distinct)
	for i := 0; i < len(keys); {
		k := keys[i]
		j := i + 1
		for j < len(keys) && keys[j] == k {
			j++
		}
		if k != "Host" {
			before := len(h)
			h[k] = vals[i:j:j]
			if len(h) == before {
				// The name came before, spelled differently: gather
				// every value in order.
				vs := make([]string, 0, j)
				for m := 0; m < j; m++ {
					if keys[m] == k {
						vs = append(vs, vals[m])
					}
				}
				h[k] = vs
			}
		}
		i = j
	}
	if cookie {
		for _, c := range req.Cookies {
			if !validValue(c) {
				return nil, "invalid header value"
			}
		}
		vals = append(vals, strings.Join(req.Cookies, "; "))
		h["Cookie"] = vals[len(vals)-1:]
	}
	return h, ""
}

// routePath returns the path the handler sees and whether it is decoded
// (HTTP APIs with payload 2.0) rather than percent-encoded as the client
// sent it. See the package documentation.
func routePath(req *event.Request, c *config) (p string, decoded bool) {
	decoded = req.Source == event.HTTPAPI && !req.V1()
	switch {
	case req.Source == event.WebSocket:
		// A WebSocket event is a message on a route, not an HTTP request
		// with a path: the route key is the path.
		return "/" + req.RouteKey, true
	case c.fullPath:
		p = req.Path
		switch {
		case req.Source == event.REST || req.Source == event.HTTPAPI && req.V1():
			if req.Context.Path != "" {
				p = req.Context.Path
			}
		case req.Source == event.HTTPAPI:
			p = req.RawPath
		}
	default:
		p = req.Path
		if req.Source == event.HTTPAPI && req.V1() && req.Stage != "$default" {
			p = stripStage(p, req.Stage)
		}
		if tpl := template(req); tpl != "" {
			if base, ok := basePath(p, tpl, req.PathParameters); ok && base != "" {
				p = stripPrefix(p, base)
			}
		}
	}
	for _, b := range c.basePaths {
		if q := stripPrefix(p, b); len(q) != len(p) {
			p = q
			break
		}
	}
	if p == "" {
		p = "/"
	}
	return p, decoded
}

// template returns the path template of the route the API matched: the
// REST resource, or the path of an HTTP API route key; "" when there is
// none ($default routes, ALB, function URLs).
func template(req *event.Request) string {
	var t string
	switch req.Source {
	case event.REST:
		t = req.Resource
	case event.HTTPAPI:
		_, t, _ = strings.Cut(req.RouteKey, " ")
		if t == "" && req.V1() {
			t = req.Resource
		}
	}
	if t == "" || t[0] != '/' {
		return ""
	}
	return t
}

// basePath matches the route template tpl, with params put in, against
// the end of path p, and returns what comes before: the base path of a
// custom domain's API mapping, or "" when the path is the API's own.
// It reports false when tpl does not match the end of p. A trailing slash
// the template lacks is ignored, as REST routing ignores it.
func basePath(p, tpl string, params event.Params) (string, bool) {
	rest := p
	if len(rest) > 1 && rest[len(rest)-1] == '/' && tpl[len(tpl)-1] != '/' {
		rest = rest[:len(rest)-1]
	}
	t := tpl
	for len(t) > 1 {
		i := strings.LastIndexByte(t, '/')
		seg := t[i+1:]
		t = t[:i]
		want := seg
		if len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}' {
			v, ok := params.Lookup(strings.TrimSuffix(seg[1:len(seg)-1], "+"))
			if !ok {
				return "", false
			}
			want = v
		}
		n := len(rest) - len(want) - 1
		if n < 0 || rest[n] != '/' || rest[n+1:] != want {
			return "", false
		}
		rest = rest[:n]
	}
	if rest == "/" {
		rest = ""
	}
	return rest, true
}

// stripPrefix removes prefix from p at a segment boundary.
func stripPrefix(p, prefix string) string {
	if len(prefix) < 2 || !strings.HasPrefix(p, prefix) {
		return p
	}
	rest := p[len(prefix):]
	switch {
	case rest == "":
		return "/"
	case rest[0] == '/':
		return rest
	}
	return p
}

// stripStage removes a leading /stage segment from p.
func stripStage(p, stage string) string {
	if stage == "" || len(p) < len(stage)+1 || p[0] != '/' || p[1:1+len(stage)] != stage {
		return p
	}
	return stripPrefix(p, p[:1+len(stage)])
}

// reqBody is the request body; it embeds a bytes.Reader so that the
// exchange carries it without another allocation.
type reqBody struct{ bytes.Reader }

func (*reqBody) Close() error { return nil }

// isToken reports whether s is a non-empty HTTP token (RFC 9110 5.6.2).
func isToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tokenByte[s[i]] {
			return false
		}
	}
	return true
}

var tokenByte = func() (t [256]bool) {
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
		t[c-'a'+'A'] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		t[c] = true
	}
	return t
}()

// validValue reports whether v is a valid field value as net/http checks
// it: no control characters but horizontal tab.
func validValue(v string) bool { return !hasControl(v, true) }

// hasCTL reports whether s has an ASCII control character, which no
// request line can carry.
func hasCTL(s string) bool { return hasControl(s, false) }

// hasControl reports whether s has an ASCII control character, not
// counting horizontal tabs when tabOK, eight bytes at a time.
func hasControl(s string, tabOK bool) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := binary.LittleEndian.Uint64([]byte(s[i : i+8]))
		m := controls8(w)
		if tabOK {
			m &^= ascii.Equal8(w, '\t')
		}
		if m != 0 {
			return true
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; c < ' ' && (c != '\t' || !tabOK) || c == 0x7f {
			return true
		}
	}
	return false
}

// controls8 marks the bytes of w that are ASCII control characters
// (below 0x20, or 0x7f), as the ascii word tests do.
func controls8(w uint64) uint64 {
	return ascii.Less8(w, ' ') | ascii.Equal8(w, 0x7f)
}

// validHost reports whether h is a Host value net/http accepts.
func validHost(h string) bool {
	for i := 0; i < len(h); i++ {
		if !hostByte[h[i]] {
			return false
		}
	}
	return true
}

var hostByte = func() (t [256]bool) {
	for c := 0; c < 256; c++ {
		t[c] = tokenByte[c] && c != '#' && c != '^' && c != '`' && c != '|'
	}
	for _, c := range "!$%&'()*+,-.:;=[]_~" {
		t[c] = true
	}
	return t
}()

// canonicalName returns http.CanonicalHeaderKey(k) and whether k is a
// token, the only names net/http accepts. It does not allocate for names
// already canonical or for the headers gateways commonly send; other
// names are written to *names, which is allocated once, with room for the
// names of rest (the fields from k on), so that the strings it holds are
// never overwritten.
func canonicalName(k string, names *[]byte, rest []event.Field) (string, bool) {
	if s := internedName(k); s != "" {
		return s, true
	}
	if k == "" {
		return "", false
	}
	var buf [64]byte
	if len(k) > len(buf) {
		if !isToken(k) {
			return "", false
		}
		return http.CanonicalHeaderKey(k), true
	}
	upper := true
	same := true
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !tokenByte[c] {
			return "", false
		}
		switch {
		case upper && 'a' <= c && c <= 'z':
			c -= 'a' - 'A'
		case !upper && 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		}
		same = same && c == k[i]
		buf[i] = c
		upper = c == '-'
	}
	if same {
		return k, true
	}
	b := buf[:len(k)]
	if cap(*names)-len(*names) < len(b) {
		n := 0
		for _, f := range rest {
			n += len(f.Name)
		}
		*names = make([]byte, 0, n)
	}
	start := len(*names)
	*names = append(*names, b...)
	return unsafe.String(&(*names)[start], len(b)), true
}

// canonicalKey returns http.CanonicalHeaderKey(k) for a token k, and k
// itself for other names.
func canonicalKey(k string) string {
	var names []byte
	if s, ok := canonicalName(k, &names, nil); ok {
		return s
	}
	return k
}
