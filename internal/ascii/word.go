package ascii

// The word tests take eight bytes as a little-endian word and return the
// high bit of each byte that passes the test, exactly: no borrow or carry
// crosses from one byte to the next, so every bit set is a byte that
// passes. Callers test eight bytes at a time without a branch per byte.
const (
	ones8 = 0x0101010101010101
	high8 = 0x8080808080808080
	low7  = 0x7f7f7f7f7f7f7f7f
)

// Equal8 marks the bytes of w equal to c.
func Equal8(w uint64, c byte) uint64 {
	x := w ^ uint64(c)*ones8
	return ^(x&low7 + low7 | x) & high8
}

// Less8 marks the bytes of w below c, for c from 1 to 0x80.
func Less8(w uint64, c byte) uint64 {
	return ^(w&low7 + uint64(0x80-c)*ones8 | w) & high8
}

// Greater8 marks the bytes of w above c, for c below 0x80.
func Greater8(w uint64, c byte) uint64 {
	return (w&low7 + uint64(0x7f-c)*ones8 | w) & high8
}
