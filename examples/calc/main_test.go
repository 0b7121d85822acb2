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
// the gateway over a loopback socket.
func TestCalcAPI(t *testing.T) {
	s := calcServer(t)
	for _, tt := range []struct {
		method, path, body string
		status             int
		want               string
		header             [2]string
	}{
		{"GET", "/test/calc?operand1=2&operand2=3&operator=add", "", 200,
			"{\n    \"result\": \"2, 3, add => 5\",\n  \"a\" : \"2\",\n  \"b\" : \"3\",\n  \"op\" : \"add\",\n  \"c\" : \"5\"\n}", [2]string{"operand_1", "2"}},
		{"GET", "/test/calc?operand1=1&operand2=2&operator=%2B", "", 200,
			"{\n    \"result\": \"1, 2, + => 3\",\n  \"a\" : \"1\",\n  \"b\" : \"2\",\n  \"op\" : \"+\",\n  \"c\" : \"3\"\n}", [2]string{"operator", "+"}},
		// Division by zero: c is null, which the template renders as "".
		{"GET", "/test/calc?operand1=1&operand2=0&operator=div", "", 200,
			"{\n    \"result\": \"1, 0, div => \",\n  \"a\" : \"1\",\n  \"b\" : \"0\",\n  \"op\" : \"div\",\n  \"c\" : \"\"\n}", [2]string{}},
		{"GET", "/test/calc?operand1=2", "", 400, `{"message":"Missing required request parameters: [operand2, operator]"}`, [2]string{}},
		{"GET", "/test/calc?operand1=2&operand2=&operator=add", "", 400, `{"message":"Missing required request parameters: [operand2]"}`, [2]string{}},
		{"GET", "/test/calc?operand1=x&operand2=3&operator=add", "", 400, `{"errorMessage":"400 Invalid Operand","errorType":"errorString"}`, [2]string{}},
		{"POST", "/test/calc", `{"a":6,"b":7,"op":"*"}`, 200, `{"a":6,"b":7,"op":"*","c":42}`, [2]string{}},
		{"POST", "/test/calc", `{"a":"6","b":7,"op":"*"}`, 400, `{"message":"Invalid request body"}`, [2]string{}},
		{"POST", "/test/calc", `{}`, 400, `{"errorMessage":"400 Invalid Input","errorType":"errorString"}`, [2]string{}},
		{"GET", "/test/calc/1/2/%2F", "", 200,
			"{\n  \"input\" : {\n    \"a\" : 1,\n    \"b\" : 2,\n    \"op\" : \"/\"\n  },\n  \"output\" : {\n    \"c\" : 0.5\n  }\n}", [2]string{}},
		{"GET", "/test/calc/4/5/mul", "", 200,
			"{\n  \"input\" : {\n    \"a\" : 4,\n    \"b\" : 5,\n    \"op\" : \"mul\"\n  },\n  \"output\" : {\n    \"c\" : 20\n  }\n}", [2]string{}},
		{"GET", "/test/calc/1/2/pow", "", 400, `{"errorMessage":"400 Invalid Operator","errorType":"errorString"}`, [2]string{}},
		{"DELETE", "/test/calc", "", 403, `{"message":"Missing Authentication Token"}`, [2]string{"x-amzn-ErrorType", "MissingAuthenticationTokenException"}},
		{"GET", "/prod/calc", "", 403, `{"message":"Missing Authentication Token"}`, [2]string{}},
	} {
		var header []string
		if tt.body != "" {
			header = []string{"Content-Type", "application/json"}
		}
		resp, b := s.Fetch(tt.method, tt.path, tt.body, header...)
		if resp.StatusCode != tt.status || b != tt.want {
			t.Errorf("%s %s = %d %q, want %d %q", tt.method, tt.path, resp.StatusCode, b, tt.status, tt.want)
		}
		if tt.header[0] != "" && resp.Header.Get(tt.header[0]) != tt.header[1] {
			t.Errorf("%s %s: header %s = %q, want %q", tt.method, tt.path, tt.header[0], resp.Header.Get(tt.header[0]), tt.header[1])
		}
	}
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
