package yamlfile

import (
	"encoding"
	"fmt"
	"math"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// The YAML library decodes a float into an integer field by truncating it
// (1.5 becomes 1, 99.9 becomes 99) and reads 054 as octal 44, 0x2c as 44 and
// 1_0 as 10, all without a word. Where the Go value holds a whole number, the file must
// say that number plainly: wholeNumbers walks the decoded node tree beside
// the Go type it was decoded into and reports every integer field whose
// scalar is a float or an integer not written in plain decimal digits.

var (
	unmarshalerType     = reflect.TypeFor[yaml.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
	plainIntRE          = regexp.MustCompile(`^[-+]?(0|[1-9][0-9]*)$`)
)

// wholeNumbers returns a problem for each integer field of t that root holds
// as a float or a non-decimal integer, naming its line and field path (such
// as rules.lead_days[2] or tasks[3].month).
func (f *File) wholeNumbers(root *yaml.Node, t reflect.Type) Problems {
	w := &numberWalker{file: f.Name}
	w.walk(root, t, "")
	return w.problems
}

type numberWalker struct {
	file     string
	problems Problems
}

func (w *numberWalker) walk(n *yaml.Node, t reflect.Type, field string) {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	// A type that decodes itself (a duration, a date) reads its own text.
	if t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) ||
		t.Implements(textUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType) {
		return
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		if n.Kind == yaml.ScalarNode {
			w.number(n, field)
		}
	case reflect.Slice, reflect.Array:
		if n.Kind == yaml.SequenceNode {
			for i, item := range n.Content {
				w.walk(item, t.Elem(), fmt.Sprintf("%s[%d]", field, i))
			}
		}
	case reflect.Map:
		w.mapping(n, field, func(string) (reflect.Type, bool) { return t.Elem(), true })
	case reflect.Struct:
		fields := structFields(t)
		w.mapping(n, field, func(key string) (reflect.Type, bool) {
			ft, ok := fields[key]
			return ft, ok
		})
	}
}

// mapping walks the values of a mapping node, typed by typeOf(key), and
// follows merge keys (<<: *anchor) into the mappings they merge.
func (w *numberWalker) mapping(n *yaml.Node, field string, typeOf func(key string) (reflect.Type, bool)) {
	if n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			for v.Kind == yaml.AliasNode && v.Alias != nil {
				v = v.Alias
			}
			merged := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				merged = v.Content
			}
			for _, m := range merged {
				for m.Kind == yaml.AliasNode && m.Alias != nil {
					m = m.Alias
				}
				w.mapping(m, field, typeOf)
			}
			continue
		}
		ft, ok := typeOf(k.Value)
		if !ok {
			continue
		}
		name := k.Value
		if field != "" {
			name = field + "." + k.Value
		}
		w.walk(v, ft, name)
	}
}

// number reports a scalar in an integer field unless it is a plain decimal
// integer.
func (w *numberWalker) number(n *yaml.Node, field string) {
	switch tag := n.ShortTag(); {
	case tag == "!!int" && plainIntRE.MatchString(n.Value):
		return
	case tag == "!!int":
		v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		if err != nil {
			return // the YAML library refused it already
		}
		w.add(n, field, "%s is not a plain decimal number (YAML reads it as %d): write the number in decimal digits, without a leading zero", n.Value, v)
	case tag == "!!float":
		v, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err == nil && v == math.Trunc(v) {
			w.add(n, field, "%s is not a plain decimal number (YAML reads it as %g): write a whole number in decimal digits", n.Value, v)
			return
		}
		w.add(n, field, "%s is not a whole number", n.Value)
	}
}

func (w *numberWalker) add(n *yaml.Node, field, format string, args ...any) {
	w.problems = append(w.problems, Problem{File: w.file, Line: n.Line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// structFields maps the YAML keys of struct type t to their field types, as
// the YAML library names them: the yaml tag's name, else the field name in
// lower case; inline structs contribute their own keys.
func structFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		if !sf.IsExported() && !sf.Anonymous {
			continue
		}
		tag := sf.Tag.Get("yaml")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if inline := strings.Contains(","+opts+",", ",inline,"); inline {
			ft := sf.Type
			for ft.Kind() == reflect.Pointer {
				ft = ft.Elem()
			}
			if ft.Kind() == reflect.Struct {
				for k, v := range structFields(ft) {
					out[k] = v
				}
			}
			continue
		}
		if name == "" {
			name = strings.ToLower(sf.Name)
		}
		out[name] = sf.Type
	}
	return out
}
