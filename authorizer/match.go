package authorizer

import "unicode/utf8"

// Match reports whether s matches pattern as IAM's ArnLike and StringLike
// operators and a policy's Resource element match: '*' matches any run of
// characters, '/' and ':' included, '?' matches exactly one character,
// and everything else matches itself, case-sensitively; the pattern must
// match the whole of s.
//
// The cost is at most proportional to len(pattern)·len(s) (one pass over
// s per '*' retried), and it never allocates. API Gateway bounds both: a
// policy resource is at most 512 characters and a method ARN at most
// 1,600 bytes (docs/evidence/authorizers.md#policy-evaluation).
func Match(pattern, s string) bool { return match(pattern, s, false) }

// matchFold is Match with ASCII letters compared case-insensitively, as
// IAM compares actions ("execute-api:invoke" is "execute-api:Invoke").
func matchFold(pattern, s string) bool { return match(pattern, s, true) }

func match(p, s string, fold bool) bool {
	var pi, si int
	star, mark := -1, 0 // the last '*' seen, and where s was when it was
	for si < len(s) {
		if pi < len(p) {
			switch c := p[pi]; c {
			case '*':
				star, mark = pi, si
				pi++
				continue
			case '?':
				_, n := utf8.DecodeRuneInString(s[si:])
				pi++
				si += n
				continue
			default:
				if c == s[si] || fold && lower(c) == lower(s[si]) {
					pi++
					si++
					continue
				}
			}
		}
		if star < 0 {
			return false
		}
		// Let the last '*' take one more character and try again from
		// there.
		_, n := utf8.DecodeRuneInString(s[mark:])
		mark += n
		pi, si = star+1, mark
	}
	for pi < len(p) && p[pi] == '*' {
		pi++
	}
	return pi == len(p)
}

func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}
