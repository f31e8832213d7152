package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/remindd/remindd/internal/printable"
)

// What the commands print is either a table (text/tabwriter, with cell
// escaping what the store holds) or JSON (json, or jsonarray.Write for the
// long lists of due).

// checkFormat accepts the output formats a command knows.
func checkFormat(f string, allowed ...string) error {
	for _, a := range allowed {
		if f == a {
			return nil
		}
	}
	return usageError{fmt.Sprintf("--format %q: want %s", f, strings.Join(allowed, " or "))}
}

// json prints v as indented JSON, without HTML escaping (names hold & and <).
func (a *app) json(v any) error {
	enc := json.NewEncoder(a.stdout)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// cell is text from the store as a table prints it: rows written by other
// systems may hold control characters (an ESC sequence that retitles the
// terminal, a tab that shifts the columns) or bidirectional controls that
// reorder what follows; they are shown escaped, as \u001b or \u202e.
func cell(s string) string { return printable.Escape(s) }

// dash is s, or - for nothing, in a table cell.
func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// ranges renders ascending task numbers compactly: 1-8,12,44-54.
func ranges(ns []int) string {
	ns = append([]int(nil), ns...)
	sort.Ints(ns)
	var parts []string
	for i := 0; i < len(ns); {
		j := i
		for j+1 < len(ns) && ns[j+1] == ns[j]+1 {
			j++
		}
		if j > i {
			parts = append(parts, fmt.Sprintf("%d-%d", ns[i], ns[j]))
		} else {
			parts = append(parts, fmt.Sprint(ns[i]))
		}
		i = j + 1
	}
	return strings.Join(parts, ",")
}
