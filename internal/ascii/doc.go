// Package ascii holds the byte-level helpers several packages share:
// ASCII case folding for header names, hex digits for percent decoding,
// and tests of eight bytes at a time for scanners. They never allocate.
package ascii
