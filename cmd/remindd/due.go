package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"remindd/schedule"
)

// due prints what a tick at --at would enqueue, and writes nothing.
func (a *app) due(args []string) error {
	fs := a.flags("due")
	at := fs.String("at", "", "the instant, RFC 3339 (default now)")
	format := fs.String("format", "table", "output `format`: table or json")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	if err := checkFormat(*format, "table", "json"); err != nil {
		return err
	}
	when, err := parseAt(*at)
	if err != nil {
		return err
	}
	c, p, err := a.load()
	if err != nil {
		return err
	}
	state, runs, err := a.snapshot(context.Background(), c, p, when)
	if err != nil {
		return err
	}
	ns, _, err := schedule.New(p, c).Due(state, when, runs)
	if err != nil {
		return err
	}
	return a.printNotifications(ns, *format)
}

func parseAt(s string) (time.Time, error) {
	if s == "" {
		return time.Now(), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, usageError{fmt.Sprintf("--at %q is not an RFC 3339 time such as 2024-05-28T09:00:00+08:00", s)}
	}
	return t, nil
}

func (a *app) printNotifications(ns []schedule.Notification, format string) error {
	if format == "json" {
		return writeJSONArray(a.stdout, ns)
	}
	w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "RULE\tRECIPIENT\tCHANNEL\tTASKS\tKEY\tNAME")
	for _, n := range ns {
		fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\t%s\n", n.Rule, n.Recipient, n.Channel, ranges(n.Tasks), n.Key, n.Name)
	}
	fmt.Fprintf(w, "%d notifications\n", len(ns))
	return w.Flush()
}

// writeJSONArray writes xs as a.json would write the whole slice (indented
// by two spaces, HTML characters as they are, [] when empty), one element
// at a time: a sweep of a province's enterprises is tens of megabytes of
// JSON, which the process need not hold, twice, before writing it. Each
// element is encoded compact and indented by appendIndent, which does what
// encoding/json's indentation does at a fraction of its cost.
func writeJSONArray[T any](w io.Writer, xs []T) error {
	if len(xs) == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	out := bufio.NewWriterSize(w, 64<<10)
	var (
		compact bytes.Buffer
		elem    []byte
	)
	enc := json.NewEncoder(&compact)
	enc.SetEscapeHTML(false)
	sep := "[\n  "
	for i := range xs {
		compact.Reset()
		if err := enc.Encode(&xs[i]); err != nil {
			return err
		}
		// An element of the array is indented one level, after its first line.
		elem = appendIndent(append(elem[:0], sep...), bytes.TrimSuffix(compact.Bytes(), []byte("\n")), "  ")
		if _, err := out.Write(elem); err != nil {
			return err
		}
		sep = ",\n  "
	}
	out.WriteString("\n]\n")
	return out.Flush()
}

// appendIndent appends to dst the compact JSON value src indented as
// json.Indent(dst, src, prefix, "  ") would: a new line, the prefix and two
// spaces a level before each element and closing bracket, ": " after a key,
// and {} and [] for empty objects and arrays. src must be what encoding/json
// wrote, which it does not check.
func appendIndent(dst, src []byte, prefix string) []byte {
	var (
		depth             int
		needIndent        bool
		inString, escaped bool
	)
	newline := func() {
		dst = append(dst, '\n')
		dst = append(dst, prefix...)
		for range depth {
			dst = append(dst, "  "...)
		}
	}
	for _, c := range src {
		if inString {
			dst = append(dst, c)
			switch {
			case escaped:
				escaped = false
			case c == '\\':
				escaped = true
			case c == '"':
				inString = false
			}
			continue
		}
		if needIndent && c != '}' && c != ']' {
			needIndent = false
			depth++
			newline()
		}
		switch c {
		case '"':
			inString = true
			dst = append(dst, c)
		case '{', '[':
			// Wait for the next byte: empty objects and arrays stay {} and [].
			needIndent = true
			dst = append(dst, c)
		case ',':
			dst = append(dst, c)
			newline()
		case ':':
			dst = append(dst, c, ' ')
		case '}', ']':
			if needIndent {
				needIndent = false
			} else {
				depth--
				newline()
			}
			dst = append(dst, c)
		default:
			dst = append(dst, c)
		}
	}
	return dst
}
