package app_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEdgesHoldNoStore: the REST API, the web UI and the partner API translate requests
// into use cases of the application layer; none of them names the store or a unit of
// work, so no use case can be written a second time at an edge. The one exception is the
// REST API's Idempotency-Key fence, which is about HTTP retries, not about carpool.
func TestEdgesHoldNoStore(t *testing.T) {
	allowed := map[string]bool{"httpapi.IdempotencyStore": true}
	for _, dir := range []string{"../httpapi", "../web", "../partnerapi"} {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("%s: no Go files; the test looks in the wrong place", dir)
		}
		pkg := filepath.Base(dir)
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			file, err := parser.ParseFile(token.NewFileSet(), f, src, 0)
			if err != nil {
				t.Fatal(err)
			}
			ast.Inspect(file, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				x, ok := sel.X.(*ast.Ident)
				if !ok || x.Name != "carpool" {
					return true
				}
				name := sel.Sel.Name
				if (strings.HasSuffix(name, "Store") || strings.HasSuffix(name, "Tx") || name == "UnitOfWork") && !allowed[pkg+"."+name] {
					t.Errorf("%s names carpool.%s: an edge reaches the store; call a use case of the application layer", f, name)
				}
				return true
			})
		}
	}
}
