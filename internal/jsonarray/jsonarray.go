// Package jsonarray writes a long list as a JSON array one element at a
// time, so that printing it holds one element's encoding, not the whole
// array's (a sweep of a province's enterprises is tens of megabytes).
package jsonarray

import (
	"bufio"
	"bytes"
	"encoding/json"
	"io"
)

// Write writes xs to w as a JSON array with each element on a line of its
// own, indented by two spaces, as encoding/json writes it compact and
// without HTML escaping:
//
//	[
//	  {"key":"…","rule":"lead",…},
//	  {"key":"…","rule":"overdue",…}
//	]
//
// and [] for none, ending in a new line. An element encoding/json refuses
// stops it with that error, after what came before it was written. An
// element that is an Appender writes itself.
func Write[T any](w io.Writer, xs []T) error {
	if len(xs) == 0 {
		_, err := io.WriteString(w, "[]\n")
		return err
	}
	out := bufio.NewWriterSize(w, 64<<10)
	var elem bytes.Buffer
	enc := json.NewEncoder(&elem)
	enc.SetEscapeHTML(false)
	out.WriteString("[\n")
	var buf []byte
	for i := range xs {
		var line []byte
		if a, ok := any(&xs[i]).(Appender); ok {
			var err error
			if buf, err = a.AppendJSON(buf[:0]); err != nil {
				out.Flush()
				return err
			}
			line = buf
		} else {
			elem.Reset()
			if err := enc.Encode(&xs[i]); err != nil {
				out.Flush()
				return err
			}
			line = bytes.TrimSuffix(elem.Bytes(), []byte("\n"))
		}
		out.WriteString("  ")
		out.Write(line)
		if i < len(xs)-1 {
			out.WriteByte(',')
		}
		if err := out.WriteByte('\n'); err != nil {
			return err
		}
	}
	out.WriteString("]\n")
	return out.Flush()
}

// Appender is an element that appends its compact JSON, without HTML
// escaping, to b itself: for one encoding/json is slow at.
type Appender interface {
	AppendJSON(b []byte) ([]byte, error)
}
