package vtl

import (
	"fmt"
	"math"
	"math/big"
	"strconv"
)

// isNumber reports whether v is numeric.
// maxBigBits caps the BigIntegers arithmetic makes, so that one
// operation does bounded work (a 4096-bit product is 64 by 64 words).
const maxBigBits = 4096

func isNumber(v value) bool { return v.k == kInt || v.k == kFloat || v.k == kBig }

func asFloat(v value) float64 {
	if v.k == kInt {
		return float64(v.n)
	}
	if v.k == kBig {
		f, _ := strconv.ParseFloat(v.s, 64)
		return f
	}
	return v.fl()
}

func (st *state) compareEq(a, b value) (bool, error) {
	if a.k == kNull {
		a = str("")
	}
	if b.k == kNull {
		b = str("")
	}
	if isNumber(a) && isNumber(b) {
		if a.k == kInt && b.k == kInt {
			return a.n == b.n, nil
		}
		if x, y, ok := bigInts(a, b); ok {
			return x.Cmp(y) == 0, nil
		}
		return asFloat(a) == asFloat(b), nil
	}
	if a.k == b.k && a.k != kObj {
		return st.equals(a, b), st.spent()
	}
	// Different classes: compare the toString() forms.
	as, err := st.toString(a)
	if err != nil {
		return false, err
	}
	bs, err := st.toString(b)
	if err != nil {
		return false, err
	}
	return as == bs, nil
}

// compareOrder is Velocity 1.7's < > <= >=: numbers only; anything else
// compares false.
func compareOrder(op string, a, b value) bool {
	if !isNumber(a) || !isNumber(b) {
		return false
	}
	var c int
	if x, y, ok := bigInts(a, b); ok && (a.k == kBig || b.k == kBig) {
		c = x.Cmp(y)
	} else if a.k == kInt && b.k == kInt {
		switch {
		case a.n < b.n:
			c = -1
		case a.n > b.n:
			c = 1
		}
	} else {
		x, y := asFloat(a), asFloat(b)
		switch {
		case x < y:
			c = -1
		case x > y:
			c = 1
		}
	}
	switch op {
	case "<":
		return c < 0
	case ">":
		return c > 0
	case "<=":
		return c <= 0
	}
	return c >= 0
}

// arith is Velocity 1.7's + - * / %: integers stay integers (widening
// to double on overflow), division by zero is null, and + with a string
// operand concatenates.
func (st *state) arith(op string, a, b value) (value, error) {
	if op == "+" && (a.k == kString || b.k == kString) {
		if a.k == kNull || b.k == kNull {
			return null, nil
		}
		buf, err := st.appendString(st.scratch(), a)
		if err == nil {
			buf, err = st.appendString(buf, b)
		}
		if err != nil {
			st.drop()
			return null, err
		}
		return str(st.keep(buf)), nil
	}
	if !isNumber(a) || !isNumber(b) {
		return null, nil
	}
	if a.k == kInt && b.k == kInt {
		x, y := a.n, b.n
		switch op {
		case "+":
			r := x + y
			if (r > x) == (y > 0) {
				return intv(r), nil
			}
		case "-":
			r := x - y
			if (r < x) == (y > 0) {
				return intv(r), nil
			}
		case "*":
			if x == 0 || y == 0 {
				return intv(0), nil
			}
			r := x * y
			if r/y == x && !(x == -1 && y == math.MinInt64) && !(y == -1 && x == math.MinInt64) {
				return intv(r), nil
			}
		case "/":
			if y == 0 {
				return null, nil
			}
			if !(x == math.MinInt64 && y == -1) {
				return intv(x / y), nil
			}
		case "%":
			if y == 0 {
				return null, nil
			}
			if y == -1 {
				return intv(0), nil
			}
			return intv(x % y), nil
		}
	}
	// Integers that overflow a long continue as BigIntegers, as in
	// Velocity.
	if bx, by, ok := bigInts(a, b); ok {
		// Pay for the digits converted and the words multiplied.
		wa, wb := len(bx.Bits())+1, len(by.Bits())+1
		if err := st.charge(wa*wb/16 + (len(a.s)+len(b.s))/16); err != nil {
			return null, err
		}
		r := new(big.Int)
		switch op {
		case "+":
			r.Add(bx, by)
		case "-":
			r.Sub(bx, by)
		case "*":
			r.Mul(bx, by)
		case "/", "%":
			if by.Sign() == 0 {
				return null, nil
			}
			if op == "/" {
				r.Quo(bx, by)
			} else {
				r.Rem(bx, by)
			}
		}
		if r.BitLen() > maxBigBits {
			return null, fmt.Errorf("integer result of more than %d bits", maxBigBits)
		}
		return bigv(r), nil
	}
	x, y := asFloat(a), asFloat(b)
	switch op {
	case "+":
		return floatv(x + y), nil
	case "-":
		return floatv(x - y), nil
	case "*":
		return floatv(x * y), nil
	case "/":
		if y == 0 {
			return null, nil
		}
		return floatv(x / y), nil
	case "%":
		if y == 0 {
			return null, nil
		}
		return floatv(math.Mod(x, y)), nil
	}
	return null, nil
}

// bigv returns r as an Integer/Long when it fits, else a BigInteger.
func bigv(r *big.Int) value {
	if r.IsInt64() {
		return intv(r.Int64())
	}
	return value{k: kBig, s: r.String()}
}

// bigInts returns a and b as big integers when both are integral.
func bigInts(a, b value) (*big.Int, *big.Int, bool) {
	x, ok1 := bigInt(a)
	y, ok2 := bigInt(b)
	return x, y, ok1 && ok2
}

func bigInt(v value) (*big.Int, bool) {
	switch v.k {
	case kInt:
		return big.NewInt(v.n), true
	case kBig:
		// Longer numbers (from a JSON body) compare and compute as
		// doubles: converting them would cost time quadratic in their
		// length.
		if len(v.s) > maxBigBits/3 {
			return nil, false
		}
		return new(big.Int).SetString(v.s, 10)
	}
	return nil, false
}
