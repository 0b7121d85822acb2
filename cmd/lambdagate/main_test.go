package main

import (
	"flag"
	"io"
	"slices"
	"strings"
	"testing"
)

// TestParseArgs checks that flags are taken before, between and after
// the arguments, and that "--" ends them.
func TestParseArgs(t *testing.T) {
	for _, tt := range []struct {
		args []string
		port string
		rest []string
	}{
		{[]string{"t.yaml"}, "3000", []string{"t.yaml"}},
		{[]string{"--port", "4000", "t.yaml"}, "4000", []string{"t.yaml"}},
		{[]string{"t.yaml", "--port", "4000"}, "4000", []string{"t.yaml"}},
		{[]string{"t.yaml", "--port=4000"}, "4000", []string{"t.yaml"}},
		{[]string{"GET", "-port", "1", "/p"}, "1", []string{"GET", "/p"}},
		{[]string{"--", "t.yaml", "--port", "4000"}, "3000", []string{"t.yaml", "--port", "4000"}},
		{[]string{"a", "--", "-b"}, "3000", []string{"a", "-b"}},
		{nil, "3000", nil},
	} {
		fs := flag.NewFlagSet("t", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		port := fs.String("port", "3000", "")
		rest, code, ok := parseArgs(fs, tt.args, -1)
		if !ok || *port != tt.port || !slices.Equal(rest, tt.rest) {
			t.Errorf("parseArgs(%q) = %q, port %s, %d; want %q, port %s", tt.args, rest, *port, code, tt.rest, tt.port)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, code, ok := parseArgs(fs, []string{"t.yaml", "--nope"}, -1); ok || code != 2 {
		t.Errorf("an unknown flag after the arguments: %v, exit code %d; want 2", ok, code)
	}
	if _, code, ok := parseArgs(fs, []string{"a", "b"}, 1); ok || code != 2 {
		t.Errorf("two arguments where one is wanted: %v, exit code %d; want 2", ok, code)
	}
}

// TestHelp asks every command for its help: it prints its usage and
// exits with 0.
func TestHelp(t *testing.T) {
	for name := range commands {
		var stderr strings.Builder
		if code := run([]string{name, "-h"}, strings.NewReader(""), io.Discard, &stderr); code != 0 || !strings.Contains(stderr.String(), "usage: lambdagate "+name) {
			t.Errorf("lambdagate %s -h = %d\n%s", name, code, stderr.String())
		}
	}
}
