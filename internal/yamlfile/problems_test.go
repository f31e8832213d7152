package yamlfile_test

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/remindd/remindd/internal/yamlfile"
)

// word refuses any value but "ok", through yamlfile.Invalid.
type word string

func (w *word) UnmarshalYAML(n *yaml.Node) error {
	if n.Value != "ok" {
		return yamlfile.Invalid(n, "%q is not ok", n.Value)
	}
	*w = word(n.Value)
	return nil
}

type entry struct {
	Name  string `yaml:"name"`
	Count int    `yaml:"count"`
	Word  word   `yaml:"word"`
	On    bool   `yaml:"on"`
}

// TestDecodeProblemsNameTheirField: every complaint of the YAML library
// about a value is put at the value's line and field, in the operator's
// words, and all of them are reported at once, in the file's order.
func TestDecodeProblemsNameTheirField(t *testing.T) {
	for _, tc := range []struct{ name, src, want string }{
		{"same value twice on a line, the second refused", "a: {name: '7', count: '7'}\n",
			"f.yaml:1: a.count: `7` is not a whole number"},
		{"an inner list refused, not the outer one", "list:\n  - name: [x]\n",
			"f.yaml:2: list[0].name: a list is not text"},
		{"a refusal of the type itself, at its column", "a: {word: ok}\nlist: [{word: ok}, {word: no}]\n",
			`f.yaml:2: list[1].word: "no" is not ok`},
		{"two refusals on a line", "a: {word: x, on: maybe}\n",
			"f.yaml:1: a.word: \"x\" is not ok\nf.yaml:1: a.on: `maybe` is not true or false"},
		{"an alias named where the anchor stands", "a: &e {count: many}\nlist: [*e]\n",
			"f.yaml:1: a.count: `many` is not a whole number\nf.yaml:1: list[0].count: `many` is not a whole number"},
		{"an unknown key brought in by a merge key", "base: &b {cout: 1}\na:\n  <<: *b\n",
			"f.yaml:1: a.cout: unknown field (did you mean count?)"},
		{"a long value cut short", "a: {count: abcdefghijklmnopqrstuvwxyz}\n",
			"f.yaml:1: a.count: `abcdefghijklmnopqrst…` is not a whole number"},
		{"a key twice in a list's mapping", "list:\n  - name: a\n    name: b\n",
			"f.yaml:3: list[0].name: given twice (first at line 2)"},
		{"type errors and fractions together", "a: {count: 1.5}\nlist: [{on: 3}]\n",
			"f.yaml:1: a.count: 1.5 is not a whole number\nf.yaml:2: list[0].on: `3` is not true or false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v struct {
				A    entry   `yaml:"a"`
				Base any     `yaml:"base"`
				List []entry `yaml:"list"`
			}
			_, err := yamlfile.Decode("f.yaml", []byte(tc.src), &v)
			if err == nil || err.Error() != tc.want {
				t.Errorf("error:\n%v\nwant:\n%s", err, tc.want)
			}
			if _, ok := err.(yamlfile.Problems); err != nil && !ok {
				t.Errorf("error %T, want Problems", err)
			}
			if err != nil && strings.Contains(err.Error(), "yamlfile_test.") {
				t.Errorf("error names a Go type: %v", err)
			}
		})
	}
}
