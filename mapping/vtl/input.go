package vtl

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
		v, err := st.inputPath(args[0].s)
		if err != nil || name == "path" {
			return v, true, err
		}
		// A missing path or a JSON null is written as null.
		b, err := st.appendJSON(st.scratch(), v, 0)
		if err != nil {
			st.drop()
			return null, true, err
		}
		return str(st.keep(b)), true, nil
	case "params":
		switch len(args) {
		case 0:
			v, err := st.allParams()
			return v, true, err
		case 1:
			name, err := st.toString(args[0])
			if err != nil {
				return null, true, err
			}
			return str(st.param(name)), true, nil
		}
	}
	return null, false, nil
}

// inputPath evaluates a JSONPath on the body.
func (st *state) inputPath(path string) (value, error) {
	root, err := st.parsedBody()
	if err != nil {
		return null, err
	}
	return st.jsonPath(root, path)
}

// allParams is $input.params(): {path, querystring, header}.
func (st *state) allParams() (value, error) {
	m, err := st.newMap()
	if err != nil {
		return null, err
	}
	for _, p := range [...]struct {
		name   string
		params event.Params
	}{{"path", st.in.Path}, {"querystring", st.in.QueryString}, {"header", st.in.Header}} {
		v, err := st.paramMap(p.params)
		if err != nil {
			return null, err
		}
		m.add(str(p.name), v)
	}
	return mapv(m), nil
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

// paramMap returns parameters as a map; a repeated name keeps its last
// value.
func (st *state) paramMap(p event.Params) (value, error) {
	m, err := st.newMap()
	if err != nil {
		return null, err
	}
	if err := st.charge(len(p)); err != nil {
		return null, err
	}
	for _, f := range p {
		m.put(str(f.Name), str(f.Value), nil)
	}
	return mapv(m), nil
}

// stageVariables returns $stageVariables, made on first use.
func (st *state) stageVariables() (value, error) {
	if !st.stageMade {
		v, err := st.paramMap(st.in.StageVariables)
		if err != nil {
			return null, err
		}
		st.stageVars, st.stageMade = v, true
	}
	return st.stageVars, nil
}

// parsedBody parses the body once per execution, as json-smart's
// permissive mode does; an empty body is {}.
func (st *state) parsedBody() (value, error) {
	if !st.bodyParsed {
		st.bodyParsed = true
		if len(st.in.Body) == 0 {
			m, err := st.newMap()
			if err != nil {
				return null, err
			}
			st.body = mapv(m)
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
	var v value
	switch name {
	case "escapeJavaScript":
		v, err = st.build(s, appendEscapeJavaScript)
	case "urlEncode":
		v, err = st.build(s, appendURLEncode)
	case "urlDecode":
		v, err = st.build(s, appendURLDecode)
	case "base64Encode":
		v, err = st.build(s, appendBase64Encode)
	case "base64Decode":
		v, err = st.build(s, appendBase64Decode)
	case "parseJson":
		v, err = st.parseJSON(s)
	default:
		return null, false, nil
	}
	return v, true, err
}

// An encoder appends its encoding of s to b, stopping with errTooLong
// as soon as b holds more than max bytes.
type encoder func(b []byte, s string, max int) ([]byte, error)

var errTooLong = errors.New("result too long")

// build runs an encoder of s into a new string, paying for the input and
// the output, and stopping as soon as the output passes OutputSize.
func (st *state) build(s string, enc encoder) (value, error) {
	if err := st.chargeBytes(len(s)); err != nil {
		return null, err
	}
	b, err := enc(st.scratch(), s, st.lim.OutputSize)
	if err == nil {
		err = st.grow(0, len(b))
	}
	if err != nil {
		st.drop()
		if err == errTooLong {
			return null, limitErr("OutputSize", st.lim.OutputSize, "string or output of more than %d bytes", st.lim.OutputSize)
		}
		return null, err
	}
	return str(st.keep(b)), nil
}

// excerpt returns s, or its start when it is long, for error messages.
func excerpt(s string) string {
	if len(s) > 64 {
		return strings.ToValidUTF8(s[:64], "") + "..."
	}
	return s
}

// appendEscapeJavaScript is commons-lang 2
// StringEscapeUtils.escapeJavaScript.
func appendEscapeJavaScript(b []byte, s string, max int) ([]byte, error) {
	for i := 0; i < len(s); {
		if len(b) > max {
			return b, errTooLong
		}
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
	return b, nil
}

func appendU(b []byte, r rune) []byte {
	return append(b, '\\', 'u', hexUpper[r>>12&0xF], hexUpper[r>>8&0xF], hexUpper[r>>4&0xF], hexUpper[r&0xF])
}

// appendURLEncode is java.net.URLEncoder.encode(s, "UTF-8").
func appendURLEncode(b []byte, s string, max int) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if len(b) > max {
			return b, errTooLong
		}
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
	return b, nil
}

// appendURLDecode is java.net.URLDecoder.decode(s, "UTF-8"): + is a space
// and %XX sequences are UTF-8 bytes; a malformed escape is an error. The
// result is never longer than s.
func appendURLDecode(b []byte, s string, max int) ([]byte, error) {
	for i := 0; i < len(s); {
		switch c := s[i]; c {
		case '+':
			b = append(b, ' ')
			i++
		case '%':
			start := len(b)
			for i < len(s) && s[i] == '%' {
				if i+2 >= len(s) {
					return b, fmt.Errorf("$util.urlDecode(%q): incomplete trailing escape (%%) pattern", excerpt(s))
				}
				h, ok1 := unhex(s[i+1])
				l, ok2 := unhex(s[i+2])
				if !ok1 || !ok2 {
					return b, fmt.Errorf("$util.urlDecode(%q): illegal hex characters in escape (%%) pattern %q", excerpt(s), s[i:i+3])
				}
				b = append(b, h<<4|l)
				i += 3
			}
			// Invalid UTF-8 decodes to U+FFFD, as Java's decoder does.
			if raw := b[start:]; !utf8.Valid(raw) {
				fixed := strings.ToValidUTF8(string(raw), "\uFFFD")
				b = append(b[:start], fixed...)
			}
		default:
			b = append(b, c)
			i++
		}
	}
	return b, nil
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

// appendBase64Encode appends the standard, padded base64 of s.
func appendBase64Encode(b []byte, s string, max int) ([]byte, error) {
	if base64.StdEncoding.EncodedLen(len(s)) > max {
		return b, errTooLong
	}
	return base64.StdEncoding.AppendEncode(b, []byte(s)), nil
}

// appendBase64Decode decodes standard, padded base64; padding may be
// omitted.
func appendBase64Decode(b []byte, s string, max int) ([]byte, error) {
	// Go skips \r and \n; java.util.Base64's basic decoder rejects them.
	if strings.ContainsAny(s, "\r\n") {
		return b, fmt.Errorf("$util.base64Decode(%q): illegal base64 character", excerpt(s))
	}
	out, err := base64.StdEncoding.AppendDecode(b, []byte(s))
	if err != nil {
		out, err = base64.RawStdEncoding.AppendDecode(b, []byte(strings.TrimRight(s, "=")))
		if err != nil {
			return b, fmt.Errorf("$util.base64Decode(%q): illegal base64 input", excerpt(s))
		}
	}
	return out, nil
}
