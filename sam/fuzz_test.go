package sam

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzRead reads arbitrary templates: Read never panics, and answers an
// App or an *Error. The seeds are the examples' templates and the tests'.
func FuzzRead(f *testing.F) {
	files, _ := filepath.Glob("../examples/*/template.yaml")
	for _, name := range files {
		if b, err := os.ReadFile(name); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(intrinsicsTemplate))
	f.Add([]byte(aliasBomb(3)))
	f.Add([]byte(`{"Resources":{"F":{"Type":"AWS::Serverless::Function","Properties":{"Environment":{"Variables":{"A":{"Fn::Select":[]},"B":{"Fn::FindInMap":[1]},"C":{"Fn::Sub":[]},"D":{"Fn::Split":["x"]}}}}}}}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		app, err := Read(src, Options{Parameters: map[string]string{}})
		if (app == nil) == (err == nil) {
			t.Fatalf("Read = %v, %v", app, err)
		}
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("Read error %T %v, want *Error", err, err)
			}
		}
	})
}
