// Package yamlfile decodes YAML files strictly and reports problems in them
// by file, line and field, so that every validation error can point at the
// place an operator must edit. It decodes with go.yaml.in/yaml/v3, the YAML
// organisation's continuation of the archived gopkg.in/yaml.v3.
package yamlfile

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// File is a decoded YAML document that still knows where each value stood.
type File struct {
	Name string
	root *yaml.Node
}

// Load reads path and decodes it into v, refusing unknown fields. Syntax and
// type errors are returned as Problems naming the file and line, as is every
// integer field written as a fraction (1.5), as a float (7.0) or not in plain
// decimal digits (054, 0x2c, 1_0), which the YAML library would silently
// truncate or read in another base.
func Load(path string, v any) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return Decode(path, data, v)
}

// Decode is Load for data already read; name is used in messages.
func Decode(name string, data []byte, v any) (*File, error) {
	f := &File{Name: name}
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, f.wrap(err)
	}
	if len(root.Content) == 0 {
		return nil, Problems{{File: name, Line: 1, Msg: "file is empty"}}
	}
	f.root = root.Content[0]
	if line := secondDocument(data); line > 0 {
		return nil, Problems{{File: name, Line: line, Msg: "a second YAML document starts here: the file must hold one"}}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return nil, f.wrap(err)
	}
	if ps := f.wholeNumbers(f.root, reflect.TypeOf(v)); len(ps) > 0 {
		return nil, ps
	}
	return f, nil
}

var lineRE = regexp.MustCompile(`^line (\d+): (.*)$`)

// secondDocument returns the line where a second YAML document in data
// begins, or 0 when there is none.
func secondDocument(data []byte) int {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var n yaml.Node
	if dec.Decode(&n) != nil || dec.Decode(&n) != nil {
		return 0
	}
	if len(n.Content) > 0 {
		return n.Content[0].Line
	}
	return n.Line
}

// wrap turns the YAML library's errors into Problems with file and line.
func (f *File) wrap(err error) error {
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var ps Problems
		for _, e := range te.Errors {
			p := Problem{File: f.Name, Msg: e}
			if m := lineRE.FindStringSubmatch(e); m != nil {
				p.Line, _ = strconv.Atoi(m[1])
				p.Msg = plain(m[2])
			}
			ps = append(ps, p)
		}
		return ps
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	p := Problem{File: f.Name, Msg: msg}
	if m := lineRE.FindStringSubmatch(msg); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		p.Msg = m[2]
		// The YAML library reports a parser error ("did not find expected
		// …") at the 0-based line of its context; scanner errors are 1-based.
		if strings.HasPrefix(p.Msg, "did not find expected") {
			p.Line++
		}
	}
	return Problems{p}
}

var (
	unknownFieldRE = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	wrongTypeRE    = regexp.MustCompile("^cannot unmarshal !!(\\w+) (`.*`) into (.+)$")
)

// plain rewrites the YAML library's messages, which speak of Go types, for the
// operator who edits the file.
func plain(msg string) string {
	if m := unknownFieldRE.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("unknown field %q (%s)", m[1], msg)
	}
	if m := wrongTypeRE.FindStringSubmatch(msg); m != nil {
		want := map[string]string{
			"int": "a whole number", "int64": "a whole number", "bool": "true or false",
			"string": "text", "[]string": "a list", "[]int": "a list of whole numbers",
		}[m[3]]
		if want == "" {
			want = "of another kind"
		}
		return fmt.Sprintf("%s is not %s (%s)", m[2], want, msg)
	}
	return msg
}

// Line returns the line of the value at path, a sequence of mapping keys
// (string) and sequence indexes (int). When the path does not exist, the line
// of its deepest existing ancestor is returned, so a missing field is reported
// where it should have been written.
func (f *File) Line(path ...any) int {
	if f == nil || f.root == nil {
		return 0
	}
	n, line := f.root, f.root.Line
	for _, step := range path {
		key, next := child(n, step)
		if next == nil {
			return line
		}
		n, line = next, next.Line
		if key != nil && (next.Kind == yaml.SequenceNode || next.Kind == yaml.MappingNode) {
			// A collection is reported at its key, where a reader looks.
			line = key.Line
		}
	}
	return line
}

// Has reports whether the file gives a value at path, so that a value left
// out (to be defaulted) can be told from one written as zero.
func (f *File) Has(path ...any) bool {
	if f == nil || f.root == nil {
		return false
	}
	n := f.root
	for _, step := range path {
		if _, n = child(n, step); n == nil {
			return false
		}
	}
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return !(n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null")
}

// child returns the key (for a mapping) and the value at step under n.
func child(n *yaml.Node, step any) (key, value *yaml.Node) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	switch s := step.(type) {
	case string:
		if n.Kind != yaml.MappingNode {
			return nil, nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == s {
				return n.Content[i], n.Content[i+1]
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && s >= 0 && s < len(n.Content) {
			return nil, n.Content[s]
		}
	}
	return nil, nil
}

// Problem is one thing wrong in a file.
type Problem struct {
	File  string
	Line  int
	Field string
	Msg   string
}

func (p Problem) Error() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
	}
	if p.Field != "" {
		b.WriteString(": ")
		b.WriteString(p.Field)
	}
	b.WriteString(": ")
	b.WriteString(p.Msg)
	return b.String()
}

// Problems collects every problem found in one pass; it is an error when
// non-empty.
type Problems []Problem

func (ps Problems) Error() string {
	lines := make([]string, len(ps))
	for i, p := range ps {
		lines[i] = p.Error()
	}
	return strings.Join(lines, "\n")
}

// Err returns ps as an error, or nil when there are none.
func (ps Problems) Err() error {
	if len(ps) == 0 {
		return nil
	}
	return ps
}

// Reporter adds problems about one file.
type Reporter struct {
	File     *File
	Problems Problems
}

// Add records a problem at the value found at path; field names it for the
// reader (for example "tasks[4].month").
func (r *Reporter) Add(field string, path []any, format string, args ...any) {
	name := ""
	if r.File != nil {
		name = r.File.Name
	}
	r.Problems = append(r.Problems, Problem{
		File:  name,
		Line:  r.File.Line(path...),
		Field: field,
		Msg:   fmt.Sprintf(format, args...),
	})
}

// Path is a convenience for building a path argument.
func Path(steps ...any) []any { return steps }
