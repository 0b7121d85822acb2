// Package jregex runs java.util.regex patterns with Go's regexp package,
// for the Java methods mapping templates call (String.replaceAll,
// replaceFirst, matches, split) and for selection patterns.
//
// [Compile] translates a Java pattern to RE2 syntax: Java's "." (which
// does not match line terminators), "\s", POSIX classes, \Q...\E, inline
// flags, octal and control escapes, and $1 or ${name} in replacements.
// Constructs RE2 cannot run (backreferences, lookaround, atomic groups,
// possessive quantifiers, nested classes) are errors when compiling, and
// so is a pattern Go refuses (one nested too deeply, or too large): a
// pattern is an error, never a panic. Constructs whose meaning differs
// on some inputs (Java's $ before a final line terminator, Unicode-aware
// \b, case folding of K and ſ) are errors when such an input arrives, so
// a translation never gives a silently different answer.
//
// Empty matches are found where Java's Matcher.find finds them, which Go
// skips right after a non-empty match.
//
// # Cost
//
// Matching is linear: Go's regexp runs in time proportional to the
// input length times the program size, which [Regexp.Cost] reports so
// that callers can charge for it. [Regexp.Replace] and [Regexp.Split]
// take the most matches they may find and [Regexp.Replace] the most
// bytes it may build; they stop with an error as soon as a maximum is
// passed, so no call holds more than its caller allows.
//
// A Regexp is immutable and safe for concurrent use.
package jregex
