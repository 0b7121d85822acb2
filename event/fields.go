package event

import (
	"github.com/lambdagate/lambdagate/internal/ascii"
	"iter"
	"net/http"
	"net/url"
	"strings"
)

// A Field is one name and value pair.
type Field struct {
	Name  string
	Value string
}

// Header is a list of header fields in the order received. Names compare
// case-insensitively. A nil Header is empty and ready to use.
//
// Lookups scan the list; requests carry few enough headers that this is
// faster than hashing and never allocates.
type Header []Field

// Get returns the first value of the named header, or "".
func (h Header) Get(name string) string {
	for i := range h {
		if ascii.EqualFold(h[i].Name, name) {
			return h[i].Value
		}
	}
	return ""
}

// Lookup returns the first value of the named header and whether it is present.
func (h Header) Lookup(name string) (string, bool) {
	for i := range h {
		if ascii.EqualFold(h[i].Name, name) {
			return h[i].Value, true
		}
	}
	return "", false
}

// Has reports whether the named header is present.
func (h Header) Has(name string) bool {
	_, ok := h.Lookup(name)
	return ok
}

// Values returns every value of the named header in order.
func (h Header) Values(name string) []string {
	var vs []string
	for i := range h {
		if ascii.EqualFold(h[i].Name, name) {
			vs = append(vs, h[i].Value)
		}
	}
	return vs
}

// All returns an iterator over every value of the named header.
func (h Header) All(name string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := range h {
			if ascii.EqualFold(h[i].Name, name) && !yield(h[i].Value) {
				return
			}
		}
	}
}

// Add appends a value to the named header.
func (h *Header) Add(name, value string) {
	*h = append(*h, Field{name, value})
}

// Set replaces every value of the named header with value, keeping the
// position of the first one.
func (h *Header) Set(name, value string) {
	for i, f := range *h {
		if ascii.EqualFold(f.Name, name) {
			(*h)[i].Value = value
			h.delFrom(name, i+1)
			return
		}
	}
	h.Add(name, value)
}

// Del removes every value of the named header.
func (h *Header) Del(name string) {
	h.delFrom(name, 0)
}

func (h *Header) delFrom(name string, from int) {
	s := *h
	j := from
	for i := from; i < len(s); i++ {
		if !ascii.EqualFold(s[i].Name, name) {
			s[j] = s[i]
			j++
		}
	}
	clear(s[j:])
	*h = s[:j]
}

// Clone returns a copy of h.
func (h Header) Clone() Header {
	if h == nil {
		return nil
	}
	return append(Header(nil), h...)
}

// HTTP returns h as an http.Header, with canonical names.
func (h Header) HTTP() http.Header {
	hh := make(http.Header, len(h))
	for _, f := range h {
		hh.Add(f.Name, f.Value)
	}
	return hh
}

// FromHTTPHeader returns the fields of hh, names sorted for a stable order.
func FromHTTPHeader(hh http.Header) Header {
	if len(hh) == 0 {
		return nil
	}
	var h Header
	for _, k := range sortedKeys(hh) {
		for _, v := range hh[k] {
			h = append(h, Field{k, v})
		}
	}
	return h
}

// Params is a list of parameters (query string, path parameters, stage
// variables) in order. Names compare case-sensitively, as API Gateway
// compares them. A nil Params is empty and ready to use.
type Params []Field

// Get returns the first value of the named parameter, or "".
func (p Params) Get(name string) string {
	for i := range p {
		if p[i].Name == name {
			return p[i].Value
		}
	}
	return ""
}

// Lookup returns the first value of the named parameter and whether it is present.
func (p Params) Lookup(name string) (string, bool) {
	for i := range p {
		if p[i].Name == name {
			return p[i].Value, true
		}
	}
	return "", false
}

// Last returns the last value of the named parameter, which is the one a
// payload 1.0 queryStringParameters map holds.
func (p Params) Last(name string) string {
	for i := len(p) - 1; i >= 0; i-- {
		if p[i].Name == name {
			return p[i].Value
		}
	}
	return ""
}

// Values returns every value of the named parameter in order.
func (p Params) Values(name string) []string {
	var vs []string
	for i := range p {
		if p[i].Name == name {
			vs = append(vs, p[i].Value)
		}
	}
	return vs
}

// Add appends a parameter.
func (p *Params) Add(name, value string) {
	*p = append(*p, Field{name, value})
}

// Set replaces every value of the named parameter with value.
func (p *Params) Set(name, value string) {
	s := *p
	for i := range s {
		if s[i].Name == name {
			s[i].Value = value
			j := i + 1
			for k := i + 1; k < len(s); k++ {
				if s[k].Name != name {
					s[j] = s[k]
					j++
				}
			}
			clear(s[j:])
			*p = s[:j]
			return
		}
	}
	p.Add(name, value)
}

// Map returns the parameters as a map; a repeated name keeps its last value.
// It returns nil when p is empty.
func (p Params) Map() map[string]string {
	if len(p) == 0 {
		return nil
	}
	m := make(map[string]string, len(p))
	for _, f := range p {
		m[f.Name] = f.Value
	}
	return m
}

// URLValues returns the parameters as url.Values.
func (p Params) URLValues() url.Values {
	v := make(url.Values, len(p))
	for _, f := range p {
		v[f.Name] = append(v[f.Name], f.Value)
	}
	return v
}

// Encode returns the parameters as a percent-encoded query string, in order.
func (p Params) Encode() string {
	var b strings.Builder
	for i, f := range p {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(url.QueryEscape(f.Name))
		b.WriteByte('=')
		b.WriteString(url.QueryEscape(f.Value))
	}
	return b.String()
}

// ParamsFromMap returns the entries of m sorted by name.
func ParamsFromMap(m map[string]string) Params {
	if len(m) == 0 {
		return nil
	}
	p := make(Params, 0, len(m))
	for _, k := range sortedKeys(m) {
		p = append(p, Field{k, m[k]})
	}
	return p
}
