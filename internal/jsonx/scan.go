package jsonx

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/bits"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"

	"github.com/lambdagate/lambdagate/internal/ascii"
)

// DefaultMaxDepth is the deepest nesting a Scanner accepts when its
// MaxDepth is zero.
const DefaultMaxDepth = 1000

// A SyntaxError is a malformed document.
type SyntaxError struct {
	Offset int    // byte offset of the problem
	Msg    string // what is wrong
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("invalid JSON at offset %d: %s", e.Offset, e.Msg)
}

// Scanner reads a JSON document. The zero value reads an empty document;
// Reset gives it one.
type Scanner struct {
	// MaxDepth is the deepest nesting of arrays and objects that Skip and
	// Raw accept; zero or less means DefaultMaxDepth. Reset keeps it.
	MaxDepth int

	data []byte
	pos  int
	err  error
}

// NewScanner returns a scanner over data with the default depth limit.
func NewScanner(data []byte) *Scanner { return &Scanner{data: data} }

// Reset makes s read data from the start, with the same MaxDepth.
func (s *Scanner) Reset(data []byte) { *s = Scanner{MaxDepth: s.MaxDepth, data: data} }

// Err returns the first error met.
func (s *Scanner) Err() error { return s.err }

// Offset returns the current offset.
func (s *Scanner) Offset() int { return s.pos }

// Fail records a problem at the current offset, unless one is already recorded.
func (s *Scanner) Fail(msg string) {
	if s.err == nil {
		s.err = &SyntaxError{Offset: s.pos, Msg: msg}
	}
}

// SetErr records err unless an error is already recorded.
func (s *Scanner) SetErr(err error) {
	if s.err == nil {
		s.err = err
	}
}

func (s *Scanner) failf(format string, args ...any) {
	if s.err == nil {
		s.err = &SyntaxError{Offset: s.pos, Msg: fmt.Sprintf(format, args...)}
	}
}

// ws skips white space. Compact JSON has none between tokens: that test
// is inlined, the rest is not.
func (s *Scanner) ws() {
	if s.pos < len(s.data) && s.data[s.pos] <= ' ' {
		s.skipSpace()
	}
}

func (s *Scanner) skipSpace() {
	data, i := s.data, s.pos
	// Indentation is a newline and a run of spaces of any length: look at
	// eight bytes at a time, without a branch per byte, which a run of
	// varying length would mispredict. Valid JSON has no byte below 0x21
	// but white space outside strings, so white space is skipped as the
	// bytes below 0x21, and then checked: below 0x20, only '\n' is common.
	for ; i+8 <= len(data); i += 8 {
		w := binary.LittleEndian.Uint64(data[i:])
		stop := ascii.Greater8(w, ' ')
		run := ^uint64(0) // the bits of the bytes before the first stop
		if stop != 0 {
			run = stop&-stop - 1
		}
		if ctl := ascii.Less8(w, ' ') & run; ctl != 0 && ctl&^ascii.Equal8(w, '\n') != 0 {
			// A tab or carriage return, or a byte that is not white
			// space: let the byte loop decide.
			break
		}
		if stop != 0 {
			s.pos = i + bits.TrailingZeros64(stop)>>3
			return
		}
	}
	for i < len(data) && space[data[i]] {
		i++
	}
	s.pos = i
}

const (
	ones8   = 0x0101010101010101
	high8   = 0x8080808080808080
	spaces8 = 0x20 * ones8
	quotes8 = '"' * ones8
	backs8  = '\\' * ones8
)

// special8 returns a word whose lowest set bit is the high bit of the
// first of the eight bytes in w (little-endian: byte 0 is bits 0-7) that
// needs attention inside a string: a quote, a backslash, a control
// character or a non-ASCII byte; 0 if none does. Bits above that byte
// may be set spuriously (borrows), so only the lowest one counts.
func special8(w uint64) uint64 {
	ctl := (w - spaces8) &^ w // bytes below 0x20
	q := w ^ quotes8          // quotes become zero bytes
	b := w ^ backs8           // and so do backslashes
	q = (q - ones8) &^ q
	b = (b - ones8) &^ b
	return (ctl | q | b | w) & high8 // w: non-ASCII bytes
}

// Kind returns the first byte of the next value ('{', '[', '"', 't', 'f',
// 'n', or a number's first byte), or 0 at the end or after an error.
func (s *Scanner) Kind() byte {
	if s.err != nil {
		return 0
	}
	s.ws()
	if s.pos >= len(s.data) {
		return 0
	}
	return s.data[s.pos]
}

// End checks that nothing but white space follows the document.
func (s *Scanner) End() error {
	if s.err != nil {
		return s.err
	}
	s.ws()
	if s.pos != len(s.data) {
		s.failf("unexpected %s after top-level value", quoteByte(s.data[s.pos]))
	}
	return s.err
}

// Null consumes a null and reports whether there was one.
func (s *Scanner) Null() bool {
	if s.Kind() == 'n' {
		s.literal("null")
		return s.err == nil
	}
	return false
}

func (s *Scanner) literal(lit string) {
	if len(s.data)-s.pos >= len(lit) && string(s.data[s.pos:s.pos+len(lit)]) == lit {
		s.pos += len(lit)
		return
	}
	s.failf("invalid literal, want %q", lit)
}

// Object starts reading an object. It returns false, without error, for
// null, and false with an error for anything else but an object.
// Read the members with More and Key.
func (s *Scanner) Object() bool { return s.open('{', "object") }

// Array starts reading an array, like Object.
func (s *Scanner) Array() bool { return s.open('[', "array") }

// open consumes the bracket that starts an object or array (c), or a null.
func (s *Scanner) open(c byte, what string) bool {
	switch s.Kind() {
	case c:
		s.pos++
		s.ws()
		return true
	case 'n':
		s.literal("null")
		return false
	case 0:
		s.Fail("unexpected end of input, want " + what)
		return false
	}
	s.failf("unexpected %s, want %s", quoteByte(s.data[s.pos]), what)
	return false
}

// OneString reads an array of exactly one string, ["v"], the usual value
// of a multi-value map, in one call. For any other value it reads nothing
// and returns false, unless the value is malformed, which it reports as
// an error (see Err) as the other methods do.
func (s *Scanner) OneString() (string, bool) {
	if s.err != nil {
		return "", false
	}
	start := s.pos
	s.ws()
	if s.pos >= len(s.data) || s.data[s.pos] != '[' {
		s.pos = start
		return "", false
	}
	s.pos++
	s.ws()
	if s.pos >= len(s.data) || s.data[s.pos] != '"' {
		s.pos = start
		return "", false
	}
	v, ok := s.string(false)
	if !ok {
		return "", false
	}
	s.ws()
	if s.pos >= len(s.data) || s.data[s.pos] != ']' {
		s.pos = start
		return "", false
	}
	s.pos++
	return v, true
}

// More reports whether the object or array being read has another member,
// consuming the separator; at the end it consumes the closing bracket.
// first must be true for the first call of each object or array.
func (s *Scanner) More(first bool, close byte) bool {
	if s.err != nil {
		return false
	}
	s.ws()
	if s.pos >= len(s.data) {
		s.Fail("unexpected end of input")
		return false
	}
	c := s.data[s.pos]
	if c == close {
		s.pos++
		return false
	}
	if first {
		return true
	}
	if c != ',' {
		s.failf("unexpected %s, want ',' or %s", quoteByte(c), quoteByte(close))
		return false
	}
	s.pos++
	s.ws()
	if s.pos < len(s.data) && s.data[s.pos] == close {
		s.failf("unexpected %s after ','", quoteByte(close))
		return false
	}
	return true
}

// Key reads a member name and its colon.
func (s *Scanner) Key() string {
	k := s.String()
	s.ws()
	if s.err == nil {
		if s.pos >= len(s.data) || s.data[s.pos] != ':' {
			s.Fail("missing ':' after object key")
			return ""
		}
		s.pos++
	}
	return k
}

// String reads a string. It returns "" with an error for a non-string.
func (s *Scanner) String() string {
	str, _ := s.string(false)
	return str
}

// StringOrNull reads a string or null; null gives "" and false.
func (s *Scanner) StringOrNull() (string, bool) {
	if s.Null() {
		return "", false
	}
	return s.String(), s.err == nil
}

// string reads a string; skip validates it without decoding escapes, as
// Skip and Raw need, and then returns "".
func (s *Scanner) string(skip bool) (string, bool) {
	if s.Kind() != '"' {
		if s.err == nil {
			if s.pos >= len(s.data) {
				s.Fail("unexpected end of input, want string")
			} else {
				s.failf("unexpected %s, want string", quoteByte(s.data[s.pos]))
			}
		}
		return "", false
	}
	s.pos++
	start := s.pos
	data := s.data
	for i := start; i < len(data); i++ {
		// Skip plain bytes fast, eight at a time while they last; stop at
		// quotes, escapes, control characters and non-ASCII bytes.
		for i+8 <= len(data) {
			if m := special8(binary.LittleEndian.Uint64(data[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		for i < len(data) && plain[data[i]] {
			i++
		}
		if i >= len(data) {
			break
		}
		c := data[i]
		switch {
		case c == '"':
			s.pos = i + 1
			if i == start {
				return "", true
			}
			return unsafe.String(&data[start], i-start), true
		case c == '\\':
			if skip {
				s.skipEscaped(i)
				return "", s.err == nil
			}
			return s.unescape(start, i), true
		case c < 0x20:
			s.pos = i
			s.failf("control character %#02x in string", c)
			return "", false
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				s.pos = i
				s.Fail("invalid UTF-8 in string")
				return "", false
			}
			i += size - 1
		}
	}
	s.pos = len(data)
	s.Fail("unterminated string")
	return "", false
}

// unescape decodes a string with escapes; start is the first byte after
// the quote and i the first backslash.
func (s *Scanner) unescape(start, i int) string {
	data := s.data
	// The decoded string is never longer than the encoded one: size the
	// buffer to where the string ends.
	end := i
	for end < len(data) && data[end] != '"' {
		if data[end] == '\\' {
			end++
		}
		end++
	}
	b := make([]byte, 0, min(end, len(data))-start)
	b = append(b, data[start:i]...)
	for i < len(data) {
		c := data[i]
		switch {
		case c == '"':
			s.pos = i + 1
			return unsafe.String(unsafe.SliceData(b), len(b))
		case c == '\\':
			if i+1 >= len(data) {
				s.pos = i
				s.Fail("unterminated string")
				return ""
			}
			e := data[i+1]
			i += 2
			switch e {
			case '"', '\\', '/':
				b = append(b, e)
			case 'b':
				b = append(b, '\b')
			case 'f':
				b = append(b, '\f')
			case 'n':
				b = append(b, '\n')
			case 'r':
				b = append(b, '\r')
			case 't':
				b = append(b, '\t')
			case 'u':
				r, ok := hex4(data, i)
				if !ok {
					s.pos = i - 2
					s.Fail("invalid \\u escape")
					return ""
				}
				i += 4
				if utf16.IsSurrogate(r) {
					r2, ok2 := rune(-1), false
					if i+6 <= len(data) && data[i] == '\\' && data[i+1] == 'u' {
						r2, ok2 = hex4(data, i+2)
					}
					if dec := utf16.DecodeRune(r, r2); ok2 && dec != utf8.RuneError {
						i += 6
						r = dec
					} else {
						r = utf8.RuneError
					}
				}
				b = utf8.AppendRune(b, r)
			default:
				s.pos = i - 2
				s.failf("invalid escape %q", string(rune(e)))
				return ""
			}
		case c < 0x20:
			s.pos = i
			s.failf("control character %#02x in string", c)
			return ""
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				s.pos = i
				s.Fail("invalid UTF-8 in string")
				return ""
			}
			b = append(b, data[i:i+size]...)
			i += size
		default:
			b = append(b, c)
			i++
		}
	}
	s.pos = len(data)
	s.Fail("unterminated string")
	return ""
}

// skipEscaped validates the rest of a string with escapes, from the
// first backslash at i, as unescape does, without decoding it.
func (s *Scanner) skipEscaped(i int) {
	data := s.data
	for i < len(data) {
		for i+8 <= len(data) {
			if m := special8(binary.LittleEndian.Uint64(data[i:])); m != 0 {
				i += bits.TrailingZeros64(m) >> 3
				break
			}
			i += 8
		}
		if i >= len(data) {
			break
		}
		c := data[i]
		switch {
		case c == '"':
			s.pos = i + 1
			return
		case c == '\\':
			if i+1 >= len(data) {
				s.pos = i
				s.Fail("unterminated string")
				return
			}
			e := data[i+1]
			i += 2
			switch e {
			case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			case 'u':
				r, ok := hex4(data, i)
				if !ok {
					s.pos = i - 2
					s.Fail("invalid \\u escape")
					return
				}
				i += 4
				if utf16.IsSurrogate(r) && i+6 <= len(data) && data[i] == '\\' && data[i+1] == 'u' {
					if r2, ok := hex4(data, i+2); ok && utf16.DecodeRune(r, r2) != utf8.RuneError {
						i += 6
					}
				}
			default:
				s.pos = i - 2
				s.failf("invalid escape %q", string(rune(e)))
				return
			}
		case c < 0x20:
			s.pos = i
			s.failf("control character %#02x in string", c)
			return
		case c >= utf8.RuneSelf:
			r, size := utf8.DecodeRune(data[i:])
			if r == utf8.RuneError && size == 1 {
				s.pos = i
				s.Fail("invalid UTF-8 in string")
				return
			}
			i += size
		default:
			i++
		}
	}
	s.pos = len(data)
	s.Fail("unterminated string")
}

func hex4(data []byte, i int) (rune, bool) {
	if i+4 > len(data) {
		return 0, false
	}
	var r rune
	for _, c := range data[i : i+4] {
		switch {
		case '0' <= c && c <= '9':
			c -= '0'
		case 'a' <= c && c <= 'f':
			c = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			c = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(c)
	}
	return r, true
}

// Bool reads true, false or null (false).
func (s *Scanner) Bool() bool {
	switch s.Kind() {
	case 't':
		s.literal("true")
		return true
	case 'f':
		s.literal("false")
	case 'n':
		s.literal("null")
	case 0:
		s.Fail("unexpected end of input, want boolean")
	default:
		s.failf("unexpected %s, want boolean", quoteByte(s.data[s.pos]))
	}
	return false
}

// Number reads a number and returns its text.
func (s *Scanner) Number() string {
	c := s.Kind()
	if c != '-' && (c < '0' || c > '9') {
		if s.err == nil {
			if c == 0 {
				s.Fail("unexpected end of input, want number")
			} else {
				s.failf("unexpected %s, want number", quoteByte(c))
			}
		}
		return ""
	}
	start := s.pos
	d := s.data
	i := s.pos
	if d[i] == '-' {
		i++
	}
	switch {
	case i < len(d) && d[i] == '0':
		i++
	case i < len(d) && '1' <= d[i] && d[i] <= '9':
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	default:
		s.pos = i
		s.Fail("invalid number")
		return ""
	}
	if i < len(d) && d[i] == '.' {
		i++
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.pos = i
			s.Fail("invalid number")
			return ""
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	if i < len(d) && (d[i] == 'e' || d[i] == 'E') {
		i++
		if i < len(d) && (d[i] == '+' || d[i] == '-') {
			i++
		}
		if i >= len(d) || d[i] < '0' || d[i] > '9' {
			s.pos = i
			s.Fail("invalid number")
			return ""
		}
		for i < len(d) && '0' <= d[i] && d[i] <= '9' {
			i++
		}
	}
	s.pos = i
	return unsafe.String(&d[start], i-start)
}

// Int64 reads an integer or null (0), refusing fractions and overflow as
// encoding/json does for an int64 field.
func (s *Scanner) Int64() int64 {
	if s.Null() {
		return 0
	}
	at := s.pos
	n := s.Number()
	if s.err != nil {
		return 0
	}
	v, err := strconv.ParseInt(n, 10, 64)
	if err != nil {
		s.pos = at
		s.failf("number %s is not a 64-bit integer", n)
		return 0
	}
	return v
}

// Skip reads and discards one value, whatever it is.
func (s *Scanner) Skip() {
	s.Raw()
}

// Raw reads one value and returns its bytes.
func (s *Scanner) Raw() []byte {
	c := s.Kind()
	start := s.pos
	switch c {
	case '{', '[':
		s.skipNested()
	case '"':
		s.string(true)
	case 't':
		s.literal("true")
	case 'f':
		s.literal("false")
	case 'n':
		s.literal("null")
	case 0:
		s.Fail("unexpected end of input, want value")
	default:
		s.Number()
	}
	if s.err != nil {
		return nil
	}
	return s.data[start:s.pos:s.pos]
}

// skipNested skips an object or array without recursion, checking that
// brackets match.
func (s *Scanner) skipNested() {
	maxDepth := s.MaxDepth
	if maxDepth <= 0 {
		maxDepth = DefaultMaxDepth
	}
	var stackBuf [64]byte
	stack := stackBuf[:0]
	for s.err == nil {
		c := s.Kind()
		switch c {
		case '{', '[':
			if len(stack) >= maxDepth {
				s.failf("nesting deeper than %d", maxDepth)
				return
			}
			close := byte('}')
			if c == '[' {
				close = ']'
			}
			stack = append(stack, close)
			s.pos++
			s.ws()
			if s.pos < len(s.data) && s.data[s.pos] == close {
				s.pos++
				stack = stack[:len(stack)-1]
				goto next
			}
			if close == '}' {
				s.Key()
			}
			continue
		case 0:
			if s.err == nil {
				s.Fail("unexpected end of input")
			}
			return
		default:
			s.Raw()
		}
	next:
		if len(stack) == 0 || s.err != nil {
			return
		}
		// After a value inside a container: ',' or the closing bracket.
		s.ws()
		if s.pos >= len(s.data) {
			s.Fail("unexpected end of input")
			return
		}
		switch top := stack[len(stack)-1]; s.data[s.pos] {
		case top:
			s.pos++
			stack = stack[:len(stack)-1]
			goto next
		case ',':
			s.pos++
			if top == '}' {
				s.Key()
			}
		default:
			s.failf("unexpected %s, want ',' or %s", quoteByte(s.data[s.pos]), quoteByte(top))
			return
		}
	}
}

func quoteByte(c byte) string {
	if c == '\'' {
		return `'\''`
	}
	if c < utf8.RuneSelf {
		return strconv.QuoteRuneToASCII(rune(c))
	}
	return fmt.Sprintf("byte %#02x", c)
}

// space[c] reports whether byte c is JSON white space.
var space = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// plain[c] reports whether byte c needs no attention inside a string.
var plain = func() (t [256]bool) {
	for c := 0x20; c < utf8.RuneSelf; c++ {
		t[c] = c != '"' && c != '\\'
	}
	return t
}()

// ErrDuplicateKey is returned (wrapped) for an object with a repeated key.
var ErrDuplicateKey = errors.New("duplicate key")
