package trace

import (
	"context"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// Names of the trace header in each place it travels.
const (
	// HeaderName is the HTTP header that carries a trace between services
	// and back to the client.
	HeaderName = "X-Amzn-Trace-Id"
	// InvokeHeaderName is the Lambda Runtime API header that gives a
	// function the trace of an invocation.
	InvokeHeaderName = "Lambda-Runtime-Trace-Id"
	// EnvName is the environment variable a runtime copies an
	// invocation's trace to, for X-Ray SDKs.
	EnvName = "_X_AMZN_TRACE_ID"
)

// The fields X-Ray and the services in front of Lambda define.
const (
	fieldRoot    = "Root"
	fieldParent  = "Parent"
	fieldSampled = "Sampled"
	fieldSelf    = "Self"
	fieldLineage = "Lineage"
)

// A Field is one name=value field of a trace header.
type Field struct {
	Name, Value string
}

// A Header is a trace header: its fields in order. The zero Header has
// no fields and formats as "".
type Header struct {
	fields []Field
}

// Parse reads a trace header. Fields are separated by ';' and may have
// spaces or tabs around them, their names and their values; empty fields
// (";;") are skipped. It refuses an empty header, a field without '=' or
// with an empty name, and a second Root, Parent, Sampled, Self or Lineage
// field. Other fields are kept in order, repeated or not. The work is
// linear in the length of s, the fields share its memory, and the only
// allocation is the slice of fields.
func Parse(s string) (Header, error) {
	// A first pass counts the fields, so that the second allocates once.
	n := 0
	for part := range strings.SplitSeq(s, ";") {
		if trimSpace(part) != "" {
			n++
		}
	}
	if n == 0 {
		return Header{}, fmt.Errorf("trace: empty header %q", s)
	}
	h := Header{fields: make([]Field, 0, n)}
	var seen uint8 // one bit per X-Ray field, to refuse repeats
	off := 0
	for off <= len(s) {
		end := strings.IndexByte(s[off:], ';')
		if end < 0 {
			end = len(s)
		} else {
			end += off
		}
		part := trimSpace(s[off:end])
		if part != "" {
			name, value, ok := strings.Cut(part, "=")
			if !ok {
				return Header{}, fmt.Errorf("trace: at offset %d: field %q has no '='", off, part)
			}
			name, value = trimSpace(name), trimSpace(value)
			if name == "" {
				return Header{}, fmt.Errorf("trace: at offset %d: field %q has an empty name", off, part)
			}
			if bit := xrayBit(name); bit != 0 {
				if seen&bit != 0 {
					return Header{}, fmt.Errorf("trace: at offset %d: second %q field", off, name)
				}
				seen |= bit
			}
			h.fields = append(h.fields, Field{name, value})
		}
		off = end + 1
	}
	return h, nil
}

// xrayBit returns the bit of an X-Ray field name in Parse's seen set, or
// 0 for other names.
func xrayBit(name string) uint8 {
	switch name {
	case fieldRoot:
		return 1
	case fieldParent:
		return 2
	case fieldSampled:
		return 4
	case fieldSelf:
		return 8
	case fieldLineage:
		return 16
	}
	return 0
}

func trimSpace(s string) string {
	for s != "" && (s[0] == ' ' || s[0] == '\t') {
		s = s[1:]
	}
	for s != "" && (s[len(s)-1] == ' ' || s[len(s)-1] == '\t') {
		s = s[:len(s)-1]
	}
	return s
}

// String returns the header as it travels: "Name=value" fields joined by
// ';', in order.
func (h Header) String() string {
	if len(h.fields) == 0 {
		return ""
	}
	n := len(h.fields) - 1
	for _, f := range h.fields {
		n += len(f.Name) + 1 + len(f.Value)
	}
	var b strings.Builder
	b.Grow(n)
	for i, f := range h.fields {
		if i > 0 {
			b.WriteByte(';')
		}
		b.WriteString(f.Name)
		b.WriteByte('=')
		b.WriteString(f.Value)
	}
	return b.String()
}

// AppendTo appends the header as [Header.String] formats it to b.
func (h Header) AppendTo(b []byte) []byte {
	for i, f := range h.fields {
		if i > 0 {
			b = append(b, ';')
		}
		b = append(b, f.Name...)
		b = append(b, '=')
		b = append(b, f.Value...)
	}
	return b
}

// IsZero reports whether h has no fields.
func (h Header) IsZero() bool { return len(h.fields) == 0 }

// Fields returns a copy of h's fields, in order.
func (h Header) Fields() []Field { return append([]Field(nil), h.fields...) }

// Get returns the value of the first field named name, and whether there
// is one. Names are case-sensitive, as X-Ray's are.
func (h Header) Get(name string) (string, bool) {
	for _, f := range h.fields {
		if f.Name == name {
			return f.Value, true
		}
	}
	return "", false
}

// Root returns the trace id, "" if h has none.
func (h Header) Root() string { v, _ := h.Get(fieldRoot); return v }

// Parent returns the parent segment id, "" if h has none.
func (h Header) Parent() string { v, _ := h.Get(fieldParent); return v }

// Sampled returns the sampling decision: "1", "0", "?" (left to the
// next service), or "" if h has none.
func (h Header) Sampled() string { v, _ := h.Get(fieldSampled); return v }

// Self returns the id a load balancer added, "" if h has none.
func (h Header) Self() string { v, _ := h.Get(fieldSelf); return v }

// Lineage returns Lambda's recursion record, "" if h has none.
func (h Header) Lineage() string { v, _ := h.Get(fieldLineage); return v }

// With returns h with the first field named name set to value in place,
// or, if h has none, with the field added at the end.
func (h Header) With(name, value string) Header {
	return h.with(name, value, -1)
}

// with sets name to value in place, or inserts it at index at (at the
// end when at is negative or past the end).
func (h Header) with(name, value string, at int) Header {
	fields := make([]Field, 0, len(h.fields)+1)
	for i, f := range h.fields {
		if f.Name == name {
			fields = append(fields, h.fields...)
			fields[i].Value = value
			return Header{fields}
		}
	}
	if at < 0 || at > len(h.fields) {
		at = len(h.fields)
	}
	fields = append(fields, h.fields[:at]...)
	fields = append(fields, Field{name, value})
	fields = append(fields, h.fields[at:]...)
	return Header{fields}
}

// after returns the index just after the first field named name, or -1.
func (h Header) after(name string) int {
	for i, f := range h.fields {
		if f.Name == name {
			return i + 1
		}
	}
	return -1
}

// ValidRoot reports whether s has the shape of an X-Ray trace id: "1-",
// 8 hex digits, "-", 24 hex digits.
func ValidRoot(s string) bool {
	return len(s) == 35 && s[0] == '1' && s[1] == '-' && s[10] == '-' &&
		isHex(s[2:10]) && isHex(s[11:])
}

// ValidID reports whether s has the shape of an X-Ray segment id: 16 hex
// digits.
func ValidID(s string) bool { return len(s) == 16 && isHex(s) }

func isHex(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

const hexDigits = "0123456789abcdef"

// NewRoot returns a new trace id for a request received at t, as X-Ray
// makes them: "1-", the Unix time in seconds as 8 hex digits, "-", and
// 96 random bits as 24 hex digits.
func NewRoot(t time.Time) string { return newRoot(t, rand.Uint64) }

func newRoot(t time.Time, random func() uint64) string {
	var b [35]byte
	b[0], b[1], b[10] = '1', '-', '-'
	putHex(b[2:10], uint64(uint32(t.Unix())))
	putHex(b[11:19], random()>>32) // 32 bits
	putHex(b[19:35], random())     // 64 bits
	return string(b[:])
}

// NewID returns a new segment id: 64 random bits as 16 hex digits.
func NewID() string { return newID(rand.Uint64) }

func newID(random func() uint64) string {
	var b [16]byte
	putHex(b[:], random())
	return string(b[:])
}

// putHex writes the low 4*len(b) bits of v into b as lowercase hex.
func putHex(b []byte, v uint64) {
	for i := len(b) - 1; i >= 0; i-- {
		b[i] = hexDigits[v&0xf]
		v >>= 4
	}
}

// Mode is a stage's X-Ray tracing mode.
type Mode uint8

const (
	// Passive is a stage without X-Ray tracing, the default: the gateway
	// passes a trace on and makes no sampling decision.
	Passive Mode = iota
	// Active is a stage with X-Ray tracing enabled: the gateway samples
	// requests and records a segment for those it samples.
	Active
)

// FromRequest returns the trace header API Gateway passes on for a client
// request that carried header ("" if none), received at now, on a stage
// in the given tracing mode; sample is the stage's sampling rule's answer
// for the request, read only when the client left the decision open.
//
// A header with a well-formed Root is kept whole: the fields, their
// order, and anything the client added. Any other header, malformed or
// without a usable Root, is treated as absent and replaced by a new Root.
// In Passive mode that is all. In Active mode a missing or "?" Sampled
// becomes the stage's decision, and a sampled request gets the gateway's
// own segment id as its Parent; Parent and Sampled, when added, follow
// Root.
func FromRequest(header string, now time.Time, mode Mode, sample bool) Header {
	return fromRequest(header, now, mode, sample, rand.Uint64)
}

func fromRequest(header string, now time.Time, mode Mode, sample bool, random func() uint64) Header {
	h, err := Parse(header)
	if err != nil || !ValidRoot(h.Root()) {
		h = Header{fields: []Field{{fieldRoot, newRoot(now, random)}}}
	}
	if mode != Active {
		return h
	}
	decision := h.Sampled()
	if decision != "0" && decision != "1" {
		decision = "0"
		if sample {
			decision = "1"
		}
	}
	if decision == "1" {
		h = h.with(fieldParent, newID(random), h.after(fieldRoot))
	}
	at := h.after(fieldParent)
	if at < 0 {
		at = h.after(fieldRoot)
	}
	return h.with(fieldSampled, decision, at)
}

// FromLoadBalancer returns the trace header an Application Load Balancer
// passes on for a client request that carried header ("" if none),
// received at now. A header with a Root keeps its fields and gets a new
// Self: in place of the one it had, or first. Any other header, malformed
// or without a Root, is treated as absent and replaced by a new Root.
func FromLoadBalancer(header string, now time.Time) Header {
	return fromLoadBalancer(header, now, rand.Uint64)
}

func fromLoadBalancer(header string, now time.Time, random func() uint64) Header {
	h, err := Parse(header)
	if err != nil || h.Root() == "" {
		return Header{fields: []Field{{fieldRoot, newRoot(now, random)}}}
	}
	return h.with(fieldSelf, newRoot(now, random), 0)
}

// ForFunction returns the trace header Lambda gives a function invoked
// with h at now: h's Root (a new one if h has no well-formed Root), the
// function's own segment id as Parent, Sampled=1 only when h says an
// upstream service sampled the request (Lambda's default PassThrough
// mode), and h's Lineage if it has one. This is the value of the
// Lambda-Runtime-Trace-Id invoke header, of _X_AMZN_TRACE_ID and of the
// context value [NewContext] sets.
func ForFunction(h Header, now time.Time) Header {
	return forFunction(h, now, rand.Uint64)
}

func forFunction(h Header, now time.Time, random func() uint64) Header {
	root := h.Root()
	if !ValidRoot(root) {
		root = newRoot(now, random)
	}
	sampled := "0"
	if h.Sampled() == "1" {
		sampled = "1"
	}
	fields := make([]Field, 3, 4)
	fields[0] = Field{fieldRoot, root}
	fields[1] = Field{fieldParent, newID(random)}
	fields[2] = Field{fieldSampled, sampled}
	if l, ok := h.Get(fieldLineage); ok {
		fields = append(fields, Field{fieldLineage, l})
	}
	return Header{fields}
}

// Response returns the X-Amzn-Trace-Id value a REST API sends the client
// for a request it passed on with h: the Root and the sampling decision,
// 0 when none was made.
func (h Header) Response() string {
	sampled := h.Sampled()
	if sampled != "1" {
		sampled = "0"
	}
	return fieldRoot + "=" + h.Root() + ";" + fieldSampled + "=" + sampled
}

// contextKey is the key aws-lambda-go's runtime stores an invocation's
// trace under: the plain string "x-amzn-trace-id"
// (aws-lambda-go lambda/invoke_loop.go). Using the same key lets a
// handler read the trace the way it would in Lambda.
const contextKey = "x-amzn-trace-id"

// NewContext returns ctx carrying h as aws-lambda-go's runtime carries an
// invocation's trace. Unlike that runtime, it never sets _X_AMZN_TRACE_ID:
// a local process serves invocations concurrently, and aws-lambda-go sets
// the variable only when it runs one invocation at a time.
func NewContext(ctx context.Context, h Header) context.Context {
	return context.WithValue(ctx, contextKey, h.String()) //nolint:staticcheck // aws-lambda-go's own key
}

// FromContext returns the trace header ctx carries under aws-lambda-go's
// key, and whether there is a well-formed one.
func FromContext(ctx context.Context) (Header, bool) {
	s, ok := ctx.Value(contextKey).(string)
	if !ok {
		return Header{}, false
	}
	h, err := Parse(s)
	return h, err == nil
}
