package notify

import (
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"testing"

	"github.com/remindd/remindd/render"
)

// TestEveryClassIsExplained reads the Class constants from class.go, so
// that a class added there without its Chinese explanation in render fails
// here instead of reaching the office as 发送失败.
func TestEveryClassIsExplained(t *testing.T) {
	f, err := parser.ParseFile(token.NewFileSet(), "class.go", nil, 0)
	if err != nil {
		t.Fatal(err)
	}
	var classes []Class
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.CONST {
			continue
		}
		for _, s := range g.Specs {
			v := s.(*ast.ValueSpec)
			if id, ok := v.Type.(*ast.Ident); !ok || id.Name != "Class" {
				continue
			}
			for _, val := range v.Values {
				lit := val.(*ast.BasicLit)
				classes = append(classes, Class(lit.Value[1:len(lit.Value)-1]))
			}
		}
	}
	if len(classes) < 18 {
		t.Fatalf("found %d classes in class.go, want at least the 18 of today: %v", len(classes), classes)
	}
	unexplained := render.Explain("")
	seen := map[string]Class{}
	for _, c := range classes {
		got := render.Explain((&Error{Class: c, Err: errors.New("x")}).Error())
		if got == unexplained {
			t.Errorf("class %s has no explanation in render", c)
		}
		if other, dup := seen[got]; dup {
			t.Errorf("classes %s and %s read the same: %s", other, c, got)
		}
		seen[got] = c
	}
}
