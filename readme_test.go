package lambdagate_test

import (
	"bytes"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestREADMESnippets compiles every Go snippet in README.md against this
// checkout, the way a new user would use it: from a module of their own
// with a replace directive pointing at the clone, as the README's Install
// section says. A snippet that starts with "package" is built as it is;
// any other is a fragment, placed at file level if it parses there, or
// else in a function body. An HTML comment right before a fragment,
// <!-- snippet: DECLS -->, declares what the fragment uses without
// defining it (var router *route.Router, say).
func TestREADMESnippets(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the README's snippets with the go command")
	}
	root, err := filepath.Abs(".")
	if err != nil {
		t.Fatal(err)
	}
	readme, err := os.ReadFile(filepath.Join(root, "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	snippets := readmeSnippets(string(readme))
	if len(snippets) < 5 {
		t.Fatalf("found %d Go snippets in README.md; the extractor is probably broken", len(snippets))
	}
	dir := t.TempDir()
	// The sam module (and openapi, which it uses) is a module of its own,
	// as a user adds it.
	gomod := "module readmecheck\n\ngo 1.26.0\n\nrequire (\n\tgithub.com/lambdagate/lambdagate v0.0.0\n\tgithub.com/lambdagate/lambdagate/openapi v0.0.0\n\tgithub.com/lambdagate/lambdagate/sam v0.0.0\n)\n\n" +
		"replace (\n\tgithub.com/lambdagate/lambdagate => " + root + "\n\tgithub.com/lambdagate/lambdagate/openapi => " + filepath.Join(root, "openapi") +
		"\n\tgithub.com/lambdagate/lambdagate/sam => " + filepath.Join(root, "sam") + "\n)\n"
	write(t, filepath.Join(dir, "go.mod"), gomod)
	var sums []byte
	for _, m := range []string{".", "openapi", "sam"} {
		sum, err := os.ReadFile(filepath.Join(root, m, "go.sum"))
		if err != nil {
			t.Fatal(err)
		}
		sums = append(sums, sum...)
	}
	write(t, filepath.Join(dir, "go.sum"), string(sums))
	var fragments []string
	var imports []string
	for i, s := range snippets {
		if strings.HasPrefix(strings.TrimSpace(s.code), "package ") {
			write(t, filepath.Join(dir, fmt.Sprintf("program%d", i), "main.go"), s.code)
			continue
		}
		f, err := wrapFragment(i, s, &imports)
		if err != nil {
			t.Errorf("README snippet at line %d: %v\n%s", s.line, err, s.code)
			continue
		}
		fragments = append(fragments, f)
	}
	slices.Sort(imports)
	var head strings.Builder
	head.WriteString("package fragments\n\n")
	for _, p := range imports {
		fmt.Fprintf(&head, "import %q\n", p)
	}
	write(t, filepath.Join(dir, "fragments", "fragments.go"), head.String()+strings.Join(fragments, "\n"))
	cmd := exec.Command("go", "vet", "./...")
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "GOFLAGS=-mod=mod", "GOWORK=off")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Errorf("README snippets do not compile: %v\n%s", err, out)
		// Name the snippets so a failure can be traced to README lines.
		for i, s := range snippets {
			t.Logf("snippet %d: README.md line %d", i, s.line)
		}
	}
}

type snippet struct {
	line  int    // line of the opening fence
	decls string // from a <!-- snippet: ... --> comment
	code  string
}

var snippetComment = regexp.MustCompile(`^<!-- snippet: (.*) -->$`)

func readmeSnippets(readme string) []snippet {
	lines := strings.Split(readme, "\n")
	var out []snippet
	for i := 0; i < len(lines); i++ {
		if strings.TrimSpace(lines[i]) != "```go" {
			continue
		}
		s := snippet{line: i + 1}
		if i > 0 {
			if m := snippetComment.FindStringSubmatch(strings.TrimSpace(lines[i-1])); m != nil {
				s.decls = m[1]
			}
		}
		j := i + 1
		for j < len(lines) && strings.TrimSpace(lines[j]) != "```" {
			j++
		}
		s.code = strings.Join(lines[i+1:j], "\n")
		out = append(out, s)
		i = j
	}
	return out
}

// packages are the packages a fragment may use without importing them.
var packages = map[string]string{
	"lambdagate":  "github.com/lambdagate/lambdagate",
	"event":       "github.com/lambdagate/lambdagate/event",
	"response":    "github.com/lambdagate/lambdagate/response",
	"route":       "github.com/lambdagate/lambdagate/route",
	"cors":        "github.com/lambdagate/lambdagate/cors",
	"nethttp":     "github.com/lambdagate/lambdagate/nethttp",
	"gateway":     "github.com/lambdagate/lambdagate/gateway",
	"gatewaytest": "github.com/lambdagate/lambdagate/gateway/gatewaytest",
	"mapping":     "github.com/lambdagate/lambdagate/mapping",
	"vtl":         "github.com/lambdagate/lambdagate/mapping/vtl",
	"authorizer":  "github.com/lambdagate/lambdagate/authorizer",
	"jwtauth":     "github.com/lambdagate/lambdagate/gateway/jwtauth",
	"iamauth":     "github.com/lambdagate/lambdagate/gateway/iamauth",
	"connection":  "github.com/lambdagate/lambdagate/connection",
	"sigv4":       "github.com/lambdagate/lambdagate/connection/sigv4",
	"websocket":   "github.com/lambdagate/lambdagate/gateway/websocket",
	"sam":         "github.com/lambdagate/lambdagate/sam",
	"context":     "context",
	"fmt":         "fmt",
	"http":        "net/http",
	"httptest":    "net/http/httptest",
	"io":          "io",
	"json":        "encoding/json",
	"log":         "log",
	"os":          "os",
	"slog":        "log/slog",
	"strings":     "strings",
	"testing":     "testing",
	"time":        "time",
}

var qualified = regexp.MustCompile(`\b([a-z]+)\.[A-Z]`)

// wrapFragment returns the Go declarations that hold fragment i, and adds
// the packages it uses to imports.
func wrapFragment(i int, s snippet, imports *[]string) (string, error) {
	for _, m := range qualified.FindAllStringSubmatch(s.decls+"\n"+s.code, -1) {
		if p, ok := packages[m[1]]; ok && !slices.Contains(*imports, p) {
			*imports = append(*imports, p)
		}
	}
	var b bytes.Buffer
	name := fmt.Sprintf("fragment%d", i)
	if _, err := parser.ParseFile(token.NewFileSet(), "", "package x\n"+s.code, 0); err == nil && s.decls == "" {
		// File-level declarations: rename nothing, but keep them apart.
		fmt.Fprintf(&b, "\n// README.md line %d\n%s\n", s.line, s.code)
		return b.String(), nil
	}
	body := s.decls + "\n" + s.code
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", "package x\nfunc f() {\n"+body+"\n}", 0)
	if err != nil {
		return "", err
	}
	// A fragment may leave what it declares unused; use each name once.
	var uses []string
	for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
		switch st := st.(type) {
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				for _, e := range st.Lhs {
					if id, ok := e.(*ast.Ident); ok && id.Name != "_" {
						uses = append(uses, "_ = "+id.Name)
					}
				}
			}
		case *ast.DeclStmt:
			if g, ok := st.Decl.(*ast.GenDecl); ok && g.Tok == token.VAR {
				for _, sp := range g.Specs {
					for _, id := range sp.(*ast.ValueSpec).Names {
						uses = append(uses, "_ = "+id.Name)
					}
				}
			}
		}
	}
	fmt.Fprintf(&b, "\n// README.md line %d\nfunc %s() {\n%s\n%s\n}\n", s.line, name, body, strings.Join(uses, "\n"))
	return b.String(), nil
}

func write(t *testing.T, name, content string) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(name, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
