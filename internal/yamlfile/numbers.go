package yamlfile

import (
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
// 1_0 as 10, all without a word. Where the Go value holds a whole number, the
// file must say that number plainly: wholeNumbers goes through the places of
// the document (each value beside the Go type it decodes into) and reports
// every integer field whose scalar is a float or an integer not written in
// plain decimal digits.

var plainIntRE = regexp.MustCompile(`^[-+]?(0|[1-9][0-9]*)$`)

// wholeNumbers returns a problem for each integer field among ps that holds
// a float or a non-decimal integer, naming its line and field path (such as
// rules.lead_days[2] or tasks[3].month).
func (f *File) wholeNumbers(ps []place) Problems {
	var out Problems
	for _, p := range ps {
		if p.typ == nil || p.node.Kind != yaml.ScalarNode || selfDecoding(p.typ) {
			continue
		}
		switch p.typ.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
			if msg := plainNumber(p.node); msg != "" {
				out = append(out, Problem{File: f.Name, Line: p.node.Line, Field: p.field, Msg: msg})
			}
		}
	}
	return out
}

// plainNumber says what is wrong with a scalar in an integer field, or ""
// when it is a plain decimal integer.
func plainNumber(n *yaml.Node) string {
	switch tag := n.ShortTag(); {
	case tag == "!!int" && plainIntRE.MatchString(n.Value):
		return ""
	case tag == "!!int":
		v, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64)
		if err != nil {
			return "" // the YAML library refused it already
		}
		return fmt.Sprintf("%s is not a plain decimal number (YAML reads it as %d): write the number in decimal digits, without a leading zero", n.Value, v)
	case tag == "!!float":
		v, err := strconv.ParseFloat(strings.ReplaceAll(n.Value, "_", ""), 64)
		if err == nil && v == math.Trunc(v) {
			return fmt.Sprintf("%s is not a plain decimal number (YAML reads it as %g): write a whole number in decimal digits", n.Value, v)
		}
		return fmt.Sprintf("%s is not a whole number", n.Value)
	}
	return ""
}
