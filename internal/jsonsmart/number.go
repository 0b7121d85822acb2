package jsonsmart

import (
	"strconv"
	"strings"
	"unsafe"
)

// Number types t as json-smart types a number: an Int (Integer or Long)
// when it fits, else a BigInt; a Float (Double) for decimals, or a
// BigDecimal for those longer than 18 characters. Text that is not a
// JSON number reports false.
func Number(t string) (Token, bool) {
	if t == "" {
		return Token{}, false
	}
	i := 0
	if t[0] == '-' {
		i++
	}
	if i >= len(t) || !isDigit(t[i]) {
		return Token{}, false
	}
	for i < len(t) && isDigit(t[i]) {
		i++
	}
	isFloat := false
	if i < len(t) && t[i] == '.' {
		isFloat = true
		i++
		for i < len(t) && isDigit(t[i]) {
			i++
		}
	}
	if i < len(t) && (t[i] == 'e' || t[i] == 'E') {
		isFloat = true
		i++
		if i < len(t) && (t[i] == '+' || t[i] == '-') {
			i++
		}
		for i < len(t) && isDigit(t[i]) {
			i++
		}
	}
	if i != len(t) {
		return Token{}, false
	}
	if !isFloat {
		if n, err := strconv.ParseInt(t, 10, 64); err == nil {
			return Token{Kind: Int, Int: n}, true
		}
		// BigInteger: the digits without leading zeros.
		neg := t[0] == '-'
		d := strings.TrimLeft(strings.TrimPrefix(t, "-"), "0")
		if neg {
			d = "-" + d
		}
		return Token{Kind: BigInt, Str: d}, true
	}
	if len(t) > 18 {
		return Token{Kind: BigDecimal, Str: bigDecimalString(t)}, true
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil && f == 0 {
		return Token{}, false
	}
	return Token{Kind: Float, Float: f}, true
}

// bigDecimalString returns what java.math.BigDecimal's toString gives for
// the decimal literal t.
func bigDecimalString(t string) string {
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(t, "-")
	mant, exp, _ := strings.Cut(strings.ToLower(t), "e")
	e := 0
	if exp != "" {
		e, _ = strconv.Atoi(exp)
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := strings.TrimLeft(intPart+frac, "0")
	scale := len(frac) - e
	if digits == "" {
		digits = "0"
	}
	adjusted := -scale + len(digits) - 1
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	if scale >= 0 && adjusted >= -6 {
		switch {
		case scale == 0:
			b.WriteString(digits)
		case len(digits) > scale:
			b.WriteString(digits[:len(digits)-scale])
			b.WriteByte('.')
			b.WriteString(digits[len(digits)-scale:])
		default:
			b.WriteString("0.")
			b.WriteString(strings.Repeat("0", scale-len(digits)))
			b.WriteString(digits)
		}
		return b.String()
	}
	b.WriteByte(digits[0])
	if len(digits) > 1 {
		b.WriteByte('.')
		b.WriteString(digits[1:])
	}
	b.WriteByte('E')
	if adjusted >= 0 {
		b.WriteByte('+')
	}
	b.WriteString(strconv.Itoa(adjusted))
	return b.String()
}

// unsafeString views b as a string without copying; the decoder's
// buffer is not written again until the next token.
func unsafeString(b []byte) string {
	return unsafe.String(unsafe.SliceData(b), len(b))
}
