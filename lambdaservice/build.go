package lambdaservice

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
)

// A BuildError is a function's Package that did not build.
type BuildError struct {
	Function string
	Command  []string
	Output   []byte // what the build printed
	Err      error
}

func (e *BuildError) Error() string {
	return fmt.Sprintf("lambdaservice: function %q: build (%s) failed: %v\n%s", e.Function, strings.Join(e.Command, " "), e.Err, bytes.TrimSpace(e.Output))
}

func (e *BuildError) Unwrap() error { return e.Err }

// code is one version of a function's code and configuration: what its
// instances run. Instances hold a reference; a build the service made is
// removed when the last reference goes.
type code struct {
	cfg   FunctionConfig
	exe   string
	env   []string
	built string // the build directory, removed when unused; "" for an Executable

	mu   sync.Mutex
	refs int
}

func (c *code) acquire() {
	c.mu.Lock()
	c.refs++
	c.mu.Unlock()
}

func (c *code) release() {
	c.mu.Lock()
	c.refs--
	last := c.refs == 0
	c.mu.Unlock()
	if last && c.built != "" {
		os.RemoveAll(c.built)
	}
}

// prepare builds fc's Package if it has one and returns its code, with
// one reference held.
func (s *Service) prepare(ctx context.Context, fc FunctionConfig) (*code, error) {
	c := &code{cfg: fc, exe: fc.Executable, env: fc.environment(s.cfg), refs: 1}
	if fc.Package == "" {
		st, err := os.Stat(fc.Executable)
		switch {
		case err != nil:
			return nil, fmt.Errorf("lambdaservice: function %q: %w", fc.Name, err)
		case st.IsDir() || st.Mode()&0o111 == 0:
			return nil, fmt.Errorf("lambdaservice: function %q: %q is not an executable file", fc.Name, fc.Executable)
		}
		return c, nil
	}
	dir, err := s.newBuildDir(fc.Name)
	if err != nil {
		return nil, err
	}
	cmdline := fc.BuildCommand
	if cmdline == nil {
		cmdline = []string{"go", "build", "-tags", "lambda.norpc", "-o", filepath.Join(dir, "bootstrap"), "."}
	}
	cmd := exec.CommandContext(ctx, cmdline[0], cmdline[1:]...)
	cmd.Dir = fc.Package
	// An empty GOOS and GOARCH mean this machine's, whatever the
	// developer's environment says for deployment builds.
	cmd.Env = append(os.Environ(), "ARTIFACTS_DIR="+dir, "GOOS=", "GOARCH=")
	out, err := cmd.CombinedOutput()
	if err == nil {
		c.exe = filepath.Join(dir, "bootstrap")
		if st, serr := os.Stat(c.exe); serr != nil || st.IsDir() {
			err = errors.New("no executable named bootstrap in ARTIFACTS_DIR")
		}
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, &BuildError{Function: fc.Name, Command: cmdline, Output: out, Err: err}
	}
	c.built = dir
	return c, nil
}

// newBuildDir returns a new directory for one build of the function name.
func (s *Service) newBuildDir(name string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return "", errors.New("lambdaservice: the service is closed")
	}
	if s.buildDir == "" {
		d, err := os.MkdirTemp("", "lambdaservice-")
		if err != nil {
			return "", fmt.Errorf("lambdaservice: %w", err)
		}
		s.buildDir = d
	}
	d, err := os.MkdirTemp(s.buildDir, name+"-")
	if err != nil {
		return "", fmt.Errorf("lambdaservice: %w", err)
	}
	return d, nil
}
