package main

import (
	"flag"
	"io"
	"slices"
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
		rest, err := parseArgs(fs, tt.args)
		if err != nil || *port != tt.port || !slices.Equal(rest, tt.rest) {
			t.Errorf("parseArgs(%q) = %q, port %s, %v; want %q, port %s", tt.args, rest, *port, err, tt.rest, tt.port)
		}
	}
	fs := flag.NewFlagSet("t", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	if _, err := parseArgs(fs, []string{"t.yaml", "--nope"}); err == nil {
		t.Error("an unknown flag after the arguments: no error")
	}
}
