package lambdagate

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEvidenceLinks checks that every citation of the evidence documents,
// in the README, the documents themselves and the Go sources, names a
// document and a heading that exist, so the evidence a test or a doc
// comment points at can always be opened.
func TestEvidenceLinks(t *testing.T) {
	anchors := map[string]map[string]bool{} // file → anchors
	docs, _ := filepath.Glob(filepath.Join("docs", "evidence", "*.md"))
	if len(docs) == 0 {
		t.Fatal("no docs/evidence/*.md")
	}
	for _, d := range docs {
		b, err := os.ReadFile(d)
		if err != nil {
			t.Fatal(err)
		}
		set := map[string]bool{}
		for _, line := range strings.Split(string(b), "\n") {
			if h, ok := strings.CutPrefix(line, "#"); ok {
				set[slug(strings.TrimLeft(h, "# "))] = true
			}
		}
		anchors[filepath.Base(d)] = set
	}
	cite := regexp.MustCompile(`docs/evidence/([A-Za-z0-9_-]+\.md)(#[a-z0-9_-]+)?`)
	local := regexp.MustCompile(`\]\(([A-Za-z0-9_-]+\.md)?(#[a-z0-9_-]+)\)`)
	var files []string
	filepath.WalkDir(".", func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && (strings.HasPrefix(d.Name(), ".") && path != "." || d.Name() == "testdata") {
			return filepath.SkipDir
		}
		if strings.HasSuffix(path, ".go") || strings.HasSuffix(path, ".md") {
			files = append(files, path)
		}
		return nil
	})
	checked := 0
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		check := func(doc, anchor string) {
			checked++
			set, ok := anchors[doc]
			if !ok {
				if doc == "mapping.md" {
					return // written with package mapping's evidence
				}
				t.Errorf("%s cites docs/evidence/%s, which does not exist", f, doc)
				return
			}
			if anchor != "" && !set[anchor[1:]] {
				t.Errorf("%s cites docs/evidence/%s%s: no such heading", f, doc, anchor)
			}
		}
		for _, m := range cite.FindAllStringSubmatch(string(b), -1) {
			check(m[1], m[2])
		}
		if filepath.Dir(f) == filepath.Join("docs", "evidence") {
			for _, m := range local.FindAllStringSubmatch(string(b), -1) {
				doc := m[1]
				if doc == "" {
					doc = filepath.Base(f)
				}
				check(doc, m[2])
			}
		}
	}
	if checked < 20 {
		t.Errorf("only %d citations found; the pattern is probably broken", checked)
	}
}

// slug returns the anchor GitHub gives a heading: lower case, spaces as
// hyphens, punctuation other than hyphens and underscores dropped.
func slug(h string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(h)) {
		switch {
		case r == ' ':
			b.WriteByte('-')
		case r == '-' || r == '_' || r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r > 127:
			b.WriteRune(r)
		}
	}
	return b.String()
}
