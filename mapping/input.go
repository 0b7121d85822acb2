package mapping

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/lambdagate/lambdagate/event"
)

// inputObj is $input.
type inputObj struct{}

func (inputObj) render(st *state, b []byte) ([]byte, error) { return b, nil }

func (inputObj) prop(st *state, name string) (value, bool) {
	if name == "body" {
		return str(st.bodyString()), true
	}
	return null, false
}

// bodyString is $input.body: the raw body, "{}" when empty.
func (st *state) bodyString() string {
	if len(st.in.Body) == 0 {
		return "{}"
	}
	return unsafe.String(unsafe.SliceData(st.in.Body), len(st.in.Body))
}

func (inputObj) call(st *state, name string, args []value) (value, bool, error) {
	switch name {
	case "getBody":
		if len(args) == 0 {
			return str(st.bodyString()), true, nil
		}
	case "json", "path":
		if len(args) != 1 || args[0].k != kString {
			return null, false, nil
		}
		root, err := st.parsedBody()
		if err != nil {
			return null, true, err
		}
		v, err := st.jsonPath(root, args[0].s)
		if err != nil {
			return null, true, err
		}
		if name == "path" {
			return v, true, nil
		}
		// A missing path or a JSON null is written as null.
		b, err := st.appendJSON(st.scratch(), v, 0)
		return str(st.keep(b)), true, err
	case "params":
		switch len(args) {
		case 0:
			m := st.newMap()
			m.put(str("path"), st.paramMap(st.in.Path))
			m.put(str("querystring"), st.paramMap(st.in.QueryString))
			m.put(str("header"), st.paramMap(st.in.Header))
			return mapv(m), true, nil
		case 1:
			if args[0].k != kString {
				t, err := st.toString(args[0])
				if err != nil {
					return null, true, err
				}
				args[0] = str(t)
			}
			return str(st.param(args[0].s)), true, nil
		}
	}
	return null, false, nil
}

// param is $input.params(x): path, then query string, then header; a
// present parameter wins even when empty. Header names match exactly
// first, then ignoring case.
func (st *state) param(name string) string {
	if v, ok := st.in.Path.Lookup(name); ok {
		return v
	}
	if v, ok := st.in.QueryString.Lookup(name); ok {
		return v
	}
	if v, ok := st.in.Header.Lookup(name); ok {
		return v
	}
	for _, f := range st.in.Header {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

func (st *state) paramMap(p event.Params) value {
	m := st.newMap()
	for _, f := range p {
		k := str(f.Name)
		if i := m.find(k); i >= 0 {
			m.vals[i] = str(f.Value) // a repeated name keeps its last value
			continue
		}
		m.keys = append(m.keys, k)
		m.vals = append(m.vals, str(f.Value))
	}
	return mapv(m)
}

// parsedBody parses the body once per execution, as json-smart's
// permissive mode does; an empty body is {}.
func (st *state) parsedBody() (value, error) {
	if !st.bodyParsed {
		st.bodyParsed = true
		if len(st.in.Body) == 0 {
			st.body = mapv(st.newMap())
		} else {
			st.body, st.bodyErr = st.parseJSON(st.bodyString())
		}
	}
	return st.body, st.bodyErr
}

// utilObj is $util.
type utilObj struct{}

func (utilObj) render(st *state, b []byte) ([]byte, error) { return b, nil }
func (utilObj) prop(st *state, name string) (value, bool)  { return null, false }

func (utilObj) call(st *state, name string, args []value) (value, bool, error) {
	if len(args) != 1 {
		return null, false, nil
	}
	a := args[0]
	if a.isNull() {
		// The Java methods return null for null (parseJson throws).
		if name == "parseJson" {
			return null, true, errors.New("$util.parseJson: null argument")
		}
		return null, true, nil
	}
	s, err := st.toString(a)
	if err != nil {
		return null, true, err
	}
	switch name {
	case "escapeJavaScript":
		b := appendEscapeJavaScript(st.scratch(), s)
		if err := st.checkSize(len(b)); err != nil {
			st.keep(nil)
			return null, true, err
		}
		return str(st.keep(b)), true, nil
	case "urlEncode":
		return str(st.keep(appendURLEncode(st.scratch(), s))), true, nil
	case "urlDecode":
		r, err := urlDecode(s)
		return str(r), true, err
	case "base64Encode":
		return str(base64.StdEncoding.EncodeToString([]byte(s))), true, nil
	case "base64Decode":
		b, err := base64Decode(s)
		if err != nil {
			return null, true, err
		}
		return str(string(b)), true, nil
	case "parseJson":
		v, err := st.parseJSON(s)
		return v, true, err
	}
	return null, false, nil
}

// appendEscapeJavaScript is commons-lang 2 StringEscapeUtils.escapeJavaScript.
func appendEscapeJavaScript(b []byte, s string) []byte {
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			i++
			switch c {
			case '\b':
				b = append(b, '\\', 'b')
			case '\n':
				b = append(b, '\\', 'n')
			case '\t':
				b = append(b, '\\', 't')
			case '\f':
				b = append(b, '\\', 'f')
			case '\r':
				b = append(b, '\\', 'r')
			case '\'', '"', '\\', '/':
				b = append(b, '\\', c)
			default:
				if c < 32 {
					b = append(b, '\\', 'u', '0', '0', hexUpper[c>>4], hexUpper[c&0xF])
				} else if c == 0x7F {
					b = append(b, c)
				} else {
					b = append(b, c)
				}
			}
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		i += n
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			b = appendU(b, r1)
			b = appendU(b, r2)
			continue
		}
		b = appendU(b, r)
	}
	return b
}

func appendU(b []byte, r rune) []byte {
	if r > 0xFFF {
		return append(b, '\\', 'u', hexUpper[r>>12&0xF], hexUpper[r>>8&0xF], hexUpper[r>>4&0xF], hexUpper[r&0xF])
	}
	if r > 0xFF {
		return append(b, '\\', 'u', '0', hexUpper[r>>8&0xF], hexUpper[r>>4&0xF], hexUpper[r&0xF])
	}
	return append(b, '\\', 'u', '0', '0', hexUpper[r>>4&0xF], hexUpper[r&0xF])
}

// appendURLEncode is java.net.URLEncoder.encode(s, "UTF-8").
func appendURLEncode(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9',
			c == '.', c == '-', c == '*', c == '_':
			b = append(b, c)
		case c == ' ':
			b = append(b, '+')
		default:
			b = append(b, '%', hexUpper[c>>4], hexUpper[c&0xF])
		}
	}
	return b
}

// urlDecode is java.net.URLDecoder.decode(s, "UTF-8"): + is a space and
// %XX sequences are UTF-8 bytes; a malformed escape is an error.
func urlDecode(s string) (string, error) {
	if !strings.ContainsAny(s, "+%") {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case '+':
			b.WriteByte(' ')
			i++
		case '%':
			var raw []byte
			for i < len(s) && s[i] == '%' {
				if i+2 >= len(s) {
					return "", fmt.Errorf("$util.urlDecode(%q): incomplete trailing escape (%%) pattern", s)
				}
				h, ok1 := unhex(s[i+1])
				l, ok2 := unhex(s[i+2])
				if !ok1 || !ok2 {
					return "", fmt.Errorf("$util.urlDecode(%q): illegal hex characters in escape (%%) pattern %q", s, s[i:i+3])
				}
				raw = append(raw, h<<4|l)
				i += 3
			}
			// Invalid UTF-8 decodes to U+FFFD, as Java's decoder does.
			b.WriteString(strings.ToValidUTF8(string(raw), "\uFFFD"))
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String(), nil
}

func unhex(c byte) (byte, bool) {
	switch {
	case '0' <= c && c <= '9':
		return c - '0', true
	case 'a' <= c && c <= 'f':
		return c - 'a' + 10, true
	case 'A' <= c && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// base64Decode decodes standard, padded base64; padding may be omitted.
func base64Decode(s string) ([]byte, error) {
	// Go skips \r and \n; java.util.Base64's basic decoder rejects them.
	if strings.ContainsAny(s, "\r\n") {
		return nil, fmt.Errorf("$util.base64Decode(%q): illegal base64 character", s)
	}
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(strings.TrimRight(s, "="))
		if err != nil {
			return nil, fmt.Errorf("$util.base64Decode(%q): illegal base64 input", s)
		}
	}
	return b, nil
}
