package main

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/lambdagate/lambdagate/examples/calc/calc"
	"github.com/lambdagate/lambdagate/examples/exampletest"
	"github.com/lambdagate/lambdagate/gateway/gatewaytest"
)

func calcServer(t *testing.T) *gatewaytest.Server {
	api, err := calc.API(calc.Function().Invoke)
	if err != nil {
		t.Fatal(err)
	}
	return gatewaytest.New(t, api)
}

// TestCalcAPI drives every method and error path of the Calc API through
// the gateway over a loopback socket, with the table lambdagate serve's
// test sends to the template's function processes.
func TestCalcAPI(t *testing.T) {
	exampletest.Run(t, calcServer(t), exampletest.Calc)
}

// TestReadmeCommands does what the README tells a new user: build and run
// the Calc API, then paste the curl commands it prints. The commands are
// parsed and sent with a Go client; each must give the documented answer.
func TestReadmeCommands(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the example")
	}
	bin := filepath.Join(t.TempDir(), "calc")
	build := exec.Command("go", "build", "-o", bin, ".")
	build.Stderr = os.Stderr
	if err := build.Run(); err != nil {
		t.Fatalf("go build: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-addr=127.0.0.1:0")
	cmd.Env = append(os.Environ(), "AWS_LAMBDA_RUNTIME_API=", "LAMBDAGATE_ADDR=")
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()

	var lines []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "curl ") {
			lines = append(lines, line)
		}
		if len(lines) == len(calc.Tries) {
			break
		}
	}
	if len(lines) != len(calc.Tries) {
		t.Fatalf("calc printed %d curl commands, want %d: %q", len(lines), len(calc.Tries), lines)
	}
	for i, line := range lines {
		req, err := parseCurl(line)
		if err != nil {
			t.Fatalf("printed command %q: %v", line, err)
		}
		resp, err := http.DefaultClient.Do(req.WithContext(ctx))
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != calc.Tries[i].Status || string(b) != calc.Tries[i].Body {
			t.Errorf("%s\n= %d %q, want %d %q", line, resp.StatusCode, b, calc.Tries[i].Status, calc.Tries[i].Body)
		}
	}
}

// parseCurl reads the curl commands calc prints: -i, -X, -H, -d and a
// quoted URL, with POSIX shell single quotes.
func parseCurl(line string) (*http.Request, error) {
	words, err := shellWords(line)
	if err != nil {
		return nil, err
	}
	method, body, url := "", "", ""
	header := http.Header{}
	for i := 1; i < len(words); i++ {
		switch w := words[i]; w {
		case "-i":
		case "-X", "-H", "-d":
			if i+1 >= len(words) {
				return nil, io.ErrUnexpectedEOF
			}
			i++
			switch w {
			case "-X":
				method = words[i]
			case "-H":
				k, v, _ := strings.Cut(words[i], ":")
				header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
			case "-d":
				body = words[i]
			}
		default:
			url = w
		}
	}
	if method == "" {
		method = "GET"
		if body != "" {
			method = "POST"
		}
	}
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header = header
	return req, nil
}

func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	in, quoted := false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case quoted && c == '\'':
			quoted = false
		case quoted:
			cur.WriteByte(c)
		case c == '\'':
			quoted, in = true, true
		case c == ' ':
			if in {
				words = append(words, cur.String())
				cur.Reset()
				in = false
			}
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if quoted {
		return nil, io.ErrUnexpectedEOF
	}
	if in {
		words = append(words, cur.String())
	}
	return words, nil
}
