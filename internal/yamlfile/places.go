package yamlfile

import (
	"encoding"
	"fmt"
	"reflect"
	"strings"

	"go.yaml.in/yaml/v3"
)

// A place is one value of a document with what the reader calls it (its
// field path, such as rules.lead_days[2]) and the Go type it decodes into.
// The YAML library's own errors name only a line; places let every problem
// name its field too.
type place struct {
	key   *yaml.Node   // the mapping key it stands under; nil in a list or at the root
	node  *yaml.Node   // its value, an alias resolved
	field string       // its path: keys joined by dots, list indexes in brackets
	typ   reflect.Type // the type it decodes into; nil for a key its struct does not have
	owner reflect.Type // for an unknown key, the struct type that lacks it
}

var (
	unmarshalerType     = reflect.TypeFor[yaml.Unmarshaler]()
	textUnmarshalerType = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// places lists every value of root that type t gives a meaning to, in
// document order, walking the node tree beside t as the YAML library decodes
// it: struct fields by their yaml names (inline structs contributing theirs),
// merge keys (<<: *anchor) followed into what they merge. A type that decodes
// itself (a duration, a date) is a place of its own, not walked into.
func places(root *yaml.Node, t reflect.Type) []place {
	var w walker
	w.walk(nil, root, t, "")
	return w.places
}

type walker struct{ places []place }

func (w *walker) walk(key, n *yaml.Node, t reflect.Type, field string) {
	n = resolve(n)
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	w.places = append(w.places, place{key: key, node: n, field: field, typ: t})
	if selfDecoding(t) {
		return
	}
	switch t.Kind() {
	case reflect.Slice, reflect.Array:
		if n.Kind == yaml.SequenceNode {
			for i, item := range n.Content {
				w.walk(nil, item, t.Elem(), fmt.Sprintf("%s[%d]", field, i))
			}
		}
	case reflect.Map:
		w.mapping(n, field, t, func(string) (reflect.Type, bool) { return t.Elem(), true })
	case reflect.Struct:
		fields := structFields(t)
		w.mapping(n, field, t, func(key string) (reflect.Type, bool) {
			ft, ok := fields[key]
			return ft, ok
		})
	}
}

// mapping walks the values of a mapping node, typed by typeOf(key); a key
// that typeOf does not know is a place without a type.
func (w *walker) mapping(n *yaml.Node, field string, owner reflect.Type, typeOf func(key string) (reflect.Type, bool)) {
	if n.Kind != yaml.MappingNode {
		return
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if k.Kind == yaml.ScalarNode && k.ShortTag() == "!!merge" {
			v = resolve(v)
			merged := []*yaml.Node{v}
			if v.Kind == yaml.SequenceNode {
				merged = v.Content
			}
			for _, m := range merged {
				w.mapping(resolve(m), field, owner, typeOf)
			}
			continue
		}
		name := k.Value
		if field != "" {
			name = field + "." + k.Value
		}
		ft, ok := typeOf(k.Value)
		if !ok {
			w.places = append(w.places, place{key: k, node: resolve(v), field: name, owner: owner})
			continue
		}
		w.walk(k, v, ft, name)
	}
}

func resolve(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

func selfDecoding(t reflect.Type) bool {
	return t.Implements(unmarshalerType) || reflect.PointerTo(t).Implements(unmarshalerType) ||
		t.Implements(textUnmarshalerType) || reflect.PointerTo(t).Implements(textUnmarshalerType)
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

// finder finds places, each at most once: the YAML library complains about
// an anchored value once for each alias of it, and each complaint belongs
// to one of the places it is used.
type finder struct {
	places []place
	used   map[int]bool
}

// find returns the first place, in document order, not found before, that
// match accepts.
func (f *finder) find(match func(place) bool) (place, bool) {
	for i, p := range f.places {
		if !f.used[i] && match(p) {
			if f.used == nil {
				f.used = map[int]bool{}
			}
			f.used[i] = true
			return p, true
		}
	}
	return place{}, false
}

// kindOf says in the operator's words what type t wants.
func kindOf(t reflect.Type) string {
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Bool:
		return "true or false"
	case reflect.String:
		return "text"
	case reflect.Slice, reflect.Array:
		if kindOf(t.Elem()) == "a whole number" {
			return "a list of whole numbers"
		}
		return "a list"
	case reflect.Map, reflect.Struct:
		return "a mapping (key: value)"
	}
	return "a value of another kind"
}

// nodeWords says what a node holds: a scalar as written, in backquotes (cut
// short), or "a list" or "a mapping".
func nodeWords(n *yaml.Node) string {
	switch n.Kind {
	case yaml.SequenceNode:
		return "a list"
	case yaml.MappingNode:
		return "a mapping"
	}
	v := n.Value
	if r := []rune(v); len(r) > 20 {
		v = string(r[:20]) + "…"
	}
	return "`" + v + "`"
}
