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
	"sort"
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
	err := dec.Decode(v)
	var te *yaml.TypeError
	if err != nil && !errors.As(err, &te) {
		return nil, f.wrap(err)
	}
	ps := places(f.root, reflect.TypeOf(v))
	var problems Problems
	if te != nil {
		problems = f.typeErrors(te, ps)
	}
	problems = append(problems, f.wholeNumbers(ps)...)
	if len(problems) > 0 {
		sort.SliceStable(problems, func(i, j int) bool { return problems[i].Line < problems[j].Line })
		return nil, problems
	}
	return f, nil
}

// Invalid is the error an UnmarshalYAML method returns for a value it
// refuses: the problem is reported at n's line and field path, and decoding
// goes on, so that one pass finds every problem in the file.
func Invalid(n *yaml.Node, format string, args ...any) error {
	return &yaml.TypeError{Errors: []string{fmt.Sprintf("line %d: column %d: %s", n.Line, n.Column, fmt.Sprintf(format, args...))}}
}

var (
	lineRE         = regexp.MustCompile(`^line (\d+): (.*)$`)
	columnRE       = regexp.MustCompile(`^column (\d+): (.*)$`)
	unknownFieldRE = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
	wrongTypeRE    = regexp.MustCompile("^cannot unmarshal (\\S+)(?: `(.*)`)? into .+$")
	twiceRE        = regexp.MustCompile(`^mapping key (".*") already defined at line (\d+)$`)
	alreadySetRE   = regexp.MustCompile(`^field (\S+) already set in type \S+$`)
)

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

// wrap turns an error of the YAML library that is not about a value (a
// syntax error) into a Problem with file and line.
func (f *File) wrap(err error) error {
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

// typeErrors turns the YAML library's complaints about values, which name a
// line and speak of Go types, into problems at a line and field, in the
// words of the operator who edits the file. A complaint whose value cannot
// be found among the places keeps the library's words.
func (f *File) typeErrors(te *yaml.TypeError, ps []place) Problems {
	var out Problems
	places := &finder{places: ps}
	for _, e := range te.Errors {
		p := Problem{File: f.Name, Msg: e}
		m := lineRE.FindStringSubmatch(e)
		if m == nil {
			out = append(out, p)
			continue
		}
		line, _ := strconv.Atoi(m[1])
		p.Line, p.Msg = line, m[2]
		at := func(match func(place) bool, msg func(place) string) {
			if pl, ok := places.find(match); ok {
				p.Field, p.Msg = pl.field, msg(pl)
			}
		}
		keyAt := func(key string) func(place) bool {
			return func(pl place) bool { return pl.key != nil && pl.key.Line == line && pl.key.Value == key }
		}
		switch rest := m[2]; {
		case columnRE.MatchString(rest):
			c := columnRE.FindStringSubmatch(rest)
			col, _ := strconv.Atoi(c[1])
			p.Msg = c[2]
			at(func(pl place) bool { return pl.typ != nil && pl.node.Line == line && pl.node.Column == col },
				func(place) string { return c[2] })
		case unknownFieldRE.MatchString(rest):
			key := unknownFieldRE.FindStringSubmatch(rest)[1]
			at(func(pl place) bool { return pl.typ == nil && keyAt(key)(pl) },
				func(pl place) string { return unknownField(key, pl.owner) })
		case wrongTypeRE.MatchString(rest):
			w := wrongTypeRE.FindStringSubmatch(rest)
			at(func(pl place) bool {
				return pl.typ != nil && pl.node.Line == line && pl.node.ShortTag() == w[1] && shownAs(pl.node, w[2]) && refuses(pl.typ, pl.node)
			}, func(pl place) string { return nodeWords(pl.node) + " is not " + kindOf(pl.typ) })
		case twiceRE.MatchString(rest):
			t := twiceRE.FindStringSubmatch(rest)
			key, _ := strconv.Unquote(t[1])
			at(keyAt(key), func(place) string { return "given twice (first at line " + t[2] + ")" })
		case alreadySetRE.MatchString(rest):
			key := alreadySetRE.FindStringSubmatch(rest)[1]
			at(keyAt(key), func(place) string { return "given twice" })
		}
		out = append(out, p)
	}
	return out
}

// shownAs reports whether shown is how the YAML library quotes n's value in
// its messages: whole, or its first 7 bytes and "..." when over 10 bytes.
func shownAs(n *yaml.Node, shown string) bool {
	if n.Kind != yaml.ScalarNode {
		return shown == ""
	}
	if len(n.Value) > 10 {
		return shown == n.Value[:7]+"..."
	}
	return shown == n.Value
}

// refuses reports whether a value of type t cannot be decoded from n, so
// that a complaint about a line is put at the value it is about, not at
// another value on the same line (a list within a list).
func refuses(t reflect.Type, n *yaml.Node) bool {
	k := t.Kind()
	if k == reflect.Interface {
		return false
	}
	switch n.Kind {
	case yaml.SequenceNode:
		return k != reflect.Slice && k != reflect.Array
	case yaml.MappingNode:
		return k != reflect.Map && k != reflect.Struct
	}
	switch k {
	case reflect.String:
		return false
	case reflect.Bool:
		return n.ShortTag() != "!!bool"
	case reflect.Slice, reflect.Array, reflect.Map, reflect.Struct:
		return true
	}
	return n.ShortTag() != "!!int" && n.ShortTag() != "!!float"
}

// unknownField says that key is not a field of owner, and which is meant
// when one is close (catchup for catch_up, monthh for month), or else which
// fields there are.
func unknownField(key string, owner reflect.Type) string {
	if owner == nil || owner.Kind() != reflect.Struct {
		return "unknown field"
	}
	known := make([]string, 0)
	for k := range structFields(owner) {
		known = append(known, k)
	}
	sort.Strings(known)
	if near := nearest(key, known); near != "" {
		return fmt.Sprintf("unknown field (did you mean %s?)", near)
	}
	return "unknown field (the fields here: " + strings.Join(known, ", ") + ")"
}

// nearest is the word among words that key most likely misspells: the same
// but for case, dashes and underscores, or at most two edits away (one for
// short words); "" when none is.
func nearest(key string, words []string) string {
	norm := func(s string) string { return strings.NewReplacer("_", "", "-", "").Replace(strings.ToLower(s)) }
	best, bestD := "", 3
	if len([]rune(key)) <= 4 {
		bestD = 2
	}
	for _, w := range words {
		if norm(w) == norm(key) {
			return w
		}
		if d := editDistance(key, w); d < bestD {
			best, bestD = w, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in runes.
func editDistance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(rb)]
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
