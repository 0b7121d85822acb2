// Package jsonx is a small JSON scanner and writer for the invoke path.
//
// The scanner reads one document left to right without reflection. Strings
// without escapes are returned as views into the input (no copy), so the
// input must not change while any returned string is in use. It validates
// what it reads as strictly as encoding/json, and also refuses invalid
// UTF-8 and nesting deeper than the Scanner's MaxDepth (DefaultMaxDepth,
// 1,000 levels, unless set). Its time is linear in the input.
package jsonx
