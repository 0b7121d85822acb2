// Package jsonsmart reads JSON as json-smart 2 does in permissive mode
// (MODE_PERMISSIVE), the parser behind API Gateway's $input.path,
// $input.json and $util.parseJson.
//
// Permissive mode is strict JSON plus single-quoted and unquoted strings
// and keys, and repeated or trailing commas; text that does not start
// like JSON (with {, [ or a quote) is one value, the whole trimmed text
// (a string unless it is a number, true, false or null); data after the
// first value is ignored. Numbers are typed as json-smart types them:
// integers as Integer or Long, longer ones as BigInteger, decimals as
// Double, long decimals as BigDecimal. Errors carry json-smart's
// messages, which API Gateway puts in its 400 response.
//
// A [Decoder] hands out one [Token] at a time, so that the caller builds
// its own values: the work is linear in the input and the decoder holds
// no more than the nesting stack (at most the depth limit) and one
// unescaped string.
package jsonsmart

import (
	"fmt"
	"strconv"
	"strings"
	"unicode/utf16"
)

// Kind is the kind of a token.
type Kind uint8

// The kinds of token.
const (
	Null        Kind = iota
	Bool             // Int is 1 for true, 0 for false
	Int              // Int holds the value (Integer or Long)
	BigInt           // Str holds the digits without leading zeros (BigInteger)
	Float            // Float holds the value (Double)
	BigDecimal       // Str holds BigDecimal's toString
	String           // Str holds the text
	Key              // Str holds an object member's name
	BeginObject      // the members follow as Key and value tokens
	EndObject        //
	BeginArray       // the elements follow
	EndArray         //
)

// A Token is one step of a document.
type Token struct {
	Kind  Kind
	Str   string
	Int   int64
	Float float64
	// Scratch reports that Str is held by the decoder and is valid only
	// until the next call to Next: a string with escapes, which the
	// decoder had to unescape. Otherwise Str is part of the input.
	Scratch bool
}

// A SyntaxError is json-smart's ParseException.
type SyntaxError struct {
	// Detail is json-smart's message, such as
	// "Unexpected End Of File position 1: null".
	Detail string
}

func (e *SyntaxError) Error() string { return "jsonsmart: " + e.Detail }

// state is what the decoder reads next.
type state uint8

const (
	stTop       state = iota // the document
	stMember                 // a member name, or the end of an object
	stValue                  // a member value, after its name and colon
	stAfterObj               // a comma or the end of an object
	stElem                   // an element, or the end of an array
	stAfterElem              // a comma or the end of an array
	stDone
)

// A Decoder reads one document. The zero value is not usable; call Reset.
type Decoder struct {
	tok      Token // the token Next returns
	s        string
	pos      int
	state    state
	stack    []byte // '{' or '[' for each open container
	maxDepth int
	buf      []byte
}

// Reset makes d read s, allowing containers nested at most maxDepth
// deep. It keeps d's buffers.
func (d *Decoder) Reset(s string, maxDepth int) {
	d.s, d.pos, d.state, d.maxDepth = s, 0, stTop, maxDepth
	d.stack = d.stack[:0]
}

// Depth returns the number of containers open.
func (d *Decoder) Depth() int { return len(d.stack) }

// Next returns the next token, which stays valid until the next call.
// After the last token of the document (the end of the top-level
// container, or the top-level scalar) it returns nil.
func (d *Decoder) Next() (*Token, error) {
	var err error
	switch d.state {
	case stTop:
		err = d.top()
	case stMember:
		err = d.member()
	case stValue:
		err = d.value(',', '}', "null")
	case stAfterObj:
		err = d.after('}', "null", stMember)
	case stElem:
		err = d.elem()
	case stAfterElem:
		err = d.after(']', "EOF", stElem)
	default:
		return nil, nil
	}
	if err != nil {
		d.state = stDone
		return nil, err
	}
	return &d.tok, nil
}

// set makes the current token a token of kind k with no value.
func (d *Decoder) set(k Kind) { d.tok = Token{Kind: k} }

// top reads the start of the document.
func (d *Decoder) top() error {
	d.skip()
	if d.pos >= len(d.s) {
		d.state = stDone
		d.set(Null)
		return nil
	}
	switch d.s[d.pos] {
	case '{', '[', '"', '\'':
		return d.value(0, 0, "null")
	}
	// A scalar or text that is not JSON: the whole trimmed text.
	d.state = stDone
	d.tok = scalar(strings.Trim(d.s, " \t\r\n"))
	return nil
}

// member reads a member name (and its colon), or the end of an object.
func (d *Decoder) member() error {
	for {
		d.skip()
		if d.pos >= len(d.s) {
			return d.eof("null")
		}
		switch d.s[d.pos] {
		case '}':
			d.pos++
			d.pop(EndObject)
			return nil
		case ',':
			d.pos++
			continue
		}
		break
	}
	if c := d.s[d.pos]; c == '"' || c == '\'' {
		if err := d.quoted(Key); err != nil {
			return err
		}
	} else {
		start := d.pos
		i := strings.IndexByte(d.s[d.pos:], ':')
		if i < 0 {
			i = len(d.s) - d.pos
		}
		d.pos += i
		d.tok = Token{Kind: Key, Str: trimRightSpace(d.s[start:d.pos])}
	}
	d.skip()
	if d.pos >= len(d.s) {
		return d.eof("null")
	}
	if d.s[d.pos] != ':' {
		return d.unexpected()
	}
	d.pos++
	d.state = stValue
	return nil
}

// elem reads an array element, or the end of an array.
func (d *Decoder) elem() error {
	for {
		d.skip()
		if d.pos >= len(d.s) {
			return d.eof("EOF")
		}
		switch d.s[d.pos] {
		case ']':
			d.pos++
			d.pop(EndArray)
			return nil
		case ',':
			d.pos++
			continue
		}
		return d.value(',', ']', "EOF")
	}
}

// after reads what follows a member or element: a comma (then next) or
// the container's close.
func (d *Decoder) after(close byte, eofText string, next state) error {
	d.skip()
	if d.pos >= len(d.s) {
		return d.eof(eofText)
	}
	switch d.s[d.pos] {
	case ',':
		d.pos++
		if next == stMember {
			return d.member()
		}
		return d.elem()
	case close:
		d.pos++
		if close == '}' {
			d.pop(EndObject)
		} else {
			d.pop(EndArray)
		}
		return nil
	}
	return d.unexpected()
}

// pop closes the innermost container.
func (d *Decoder) pop(k Kind) {
	d.stack = d.stack[:len(d.stack)-1]
	d.afterValue()
	d.set(k)
}

// afterValue sets the state that follows a complete value.
func (d *Decoder) afterValue() {
	switch {
	case len(d.stack) == 0:
		d.state = stDone
	case d.stack[len(d.stack)-1] == '{':
		d.state = stAfterObj
	default:
		d.state = stAfterElem
	}
}

// value reads a value that ends at stop1 or stop2 when it is unquoted;
// eofText is what json-smart names at the end of the input here.
func (d *Decoder) value(stop1, stop2 byte, eofText string) error {
	d.skip()
	if d.pos >= len(d.s) {
		return d.eof(eofText)
	}
	switch c := d.s[d.pos]; c {
	case '{', '[':
		if len(d.stack) >= d.maxDepth {
			return &SyntaxError{Detail: fmt.Sprintf("nesting deeper than %d at position %d", d.maxDepth, d.pos)}
		}
		d.pos++
		d.stack = append(d.stack, c)
		if c == '{' {
			d.state = stMember
			d.set(BeginObject)
			return nil
		}
		d.state = stElem
		d.set(BeginArray)
		return nil
	case '"', '\'':
		if err := d.quoted(String); err != nil {
			return err
		}
		d.afterValue()
		return nil
	}
	d.afterValue()
	if d.plainInt() {
		return nil
	}
	// Unquoted: read to a stop character, then classify.
	start := d.pos
	for d.pos < len(d.s) && d.s[d.pos] != stop1 && d.s[d.pos] != stop2 {
		d.pos++
	}
	t := trimRightSpace(d.s[start:d.pos])
	if t == "-" {
		d.set(Int) // as json-smart reads it
		return nil
	}
	d.tok = scalar(t)
	return nil
}

// plainInt reads, as a fast path, an integer of at most 18 digits that a
// delimiter follows.
func (d *Decoder) plainInt() bool {
	c := d.s[d.pos]
	if !isDigit(c) && c != '-' {
		return false
	}
	i := d.pos
	if c == '-' {
		i++
	}
	j := i
	var n int64
	for j < len(d.s) && isDigit(d.s[j]) && j-i < 18 {
		n = n*10 + int64(d.s[j]-'0')
		j++
	}
	if j > i && j < len(d.s) && (d.s[j] == ',' || d.s[j] == '}' || d.s[j] == ']') && (d.s[i] != '0' || j == i+1) {
		d.pos = j
		if c == '-' {
			n = -n
		}
		d.tok = Token{Kind: Int, Int: n}
		return true
	}
	return false
}

// scalar classifies unquoted text: null, true, false, a number, or a
// string.
func scalar(t string) Token {
	switch t {
	case "null":
		return Token{Kind: Null}
	case "true":
		return Token{Kind: Bool, Int: 1}
	case "false":
		return Token{Kind: Bool}
	}
	if tok, ok := Number(t); ok {
		return tok
	}
	return Token{Kind: String, Str: t}
}

func (d *Decoder) skip() {
	for d.pos < len(d.s) {
		switch d.s[d.pos] {
		case ' ', '\t', '\r', '\n':
			d.pos++
		default:
			return
		}
	}
}

func (d *Decoder) eof(what string) error {
	pos := len(d.s) - 1
	if pos < 0 {
		pos = 0
	}
	return &SyntaxError{Detail: fmt.Sprintf("Unexpected End Of File position %d: %s", pos, what)}
}

// unexpected is json-smart's error for the character at the position.
func (d *Decoder) unexpected() error {
	return &SyntaxError{Detail: fmt.Sprintf("Unexpected character (%c) at position %d.", d.s[d.pos], d.pos)}
}

// quoted reads a quoted string with JSON escapes as a token of kind k.
// Without escapes the text is part of the input; with them it is in
// d.buf.
func (d *Decoder) quoted(k Kind) error {
	q := d.s[d.pos]
	start := d.pos
	d.pos++
	i := d.pos
	for i < len(d.s) && d.s[i] != q && d.s[i] != '\\' {
		i++
	}
	if i < len(d.s) && d.s[i] == q {
		d.pos = i + 1
		d.tok = Token{Kind: k, Str: d.s[start+1 : i]}
		return nil
	}
	b := append(d.buf[:0], d.s[d.pos:i]...)
	d.pos = i
	for d.pos < len(d.s) {
		c := d.s[d.pos]
		if c == q {
			d.pos++
			d.buf = b
			d.tok = Token{Kind: k, Str: unsafeString(b), Scratch: true}
			return nil
		}
		if c != '\\' {
			b = append(b, c)
			d.pos++
			continue
		}
		if d.pos+1 >= len(d.s) {
			break
		}
		var err error
		if b, err = d.escape(b); err != nil {
			d.buf = b
			return err
		}
	}
	d.buf = b
	return d.eof("null")
}

// escape appends the character of the escape at d.s[d.pos] == '\\'.
func (d *Decoder) escape(b []byte) ([]byte, error) {
	e := d.s[d.pos+1]
	d.pos += 2
	switch e {
	case 'n':
		return append(b, '\n'), nil
	case 't':
		return append(b, '\t'), nil
	case 'r':
		return append(b, '\r'), nil
	case 'b':
		return append(b, '\b'), nil
	case 'f':
		return append(b, '\f'), nil
	case 'u':
		if d.pos+4 > len(d.s) {
			d.pos = len(d.s)
			return b, nil
		}
		n, err := strconv.ParseUint(d.s[d.pos:d.pos+4], 16, 16)
		if err != nil {
			return b, d.unexpected()
		}
		d.pos += 4
		r := rune(n)
		if utf16.IsSurrogate(r) && d.pos+6 <= len(d.s) && d.s[d.pos] == '\\' && d.s[d.pos+1] == 'u' {
			if n2, err := strconv.ParseUint(d.s[d.pos+2:d.pos+6], 16, 16); err == nil {
				if dr := utf16.DecodeRune(r, rune(n2)); dr != '\uFFFD' {
					r = dr
					d.pos += 6
				}
			}
		}
		return append(b, string(r)...), nil
	}
	return append(b, e), nil
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }

func trimRightSpace(s string) string {
	for len(s) > 0 {
		switch s[len(s)-1] {
		case ' ', '\t', '\r', '\n':
			s = s[:len(s)-1]
			continue
		}
		break
	}
	return s
}
