package roster

import (
	"bytes"
	"fmt"
	"io"
)

// boundedReader passes a roster file through up to MaxFileBytes, and fails
// a physical line longer than MaxLineBytes and a record longer than
// MaxRecordBytes. Records end at a line break outside double quotes: in a
// CSV file every quoted cell holds an even number of them. The failure is
// sticky, as the CSV reader reads again after an error.
type boundedReader struct {
	r          io.Reader
	read       int64 // bytes passed so far
	line       int   // physical line of the next byte, from 1
	lineBytes  int   // bytes of the current line so far
	recordLine int   // line the current record began on
	recordSize int   // bytes of the current record so far
	quotes     int   // double quotes in the current record
	err        error
}

// boundError is a bound the file passed, at a line.
type boundError struct {
	line int
	cell string // in a workbook
	msg  string
}

func (e *boundError) Error() string { return fmt.Sprintf("line %d: %s", e.line, e.msg) }

func (b *boundedReader) Read(p []byte) (int, error) {
	if b.err != nil {
		return 0, b.err
	}
	if rest := MaxFileBytes + 1 - b.read; int64(len(p)) > rest {
		p = p[:rest]
	}
	n, err := b.r.Read(p)
	tooLarge := b.read+int64(n) > MaxFileBytes
	if tooLarge {
		n = int(MaxFileBytes - b.read)
	}
	for pos := 0; pos < n; {
		end, newline := n, false
		if i := bytes.IndexByte(p[pos:n], '\n'); i >= 0 {
			end, newline = pos+i+1, true
		}
		seg := p[pos:end]
		b.lineBytes += len(seg)
		b.recordSize += len(seg)
		b.quotes += bytes.Count(seg, []byte{'"'})
		switch {
		case b.lineBytes > MaxLineBytes+1: // the line break is not counted
			b.err = &boundError{b.line, "", fmt.Sprintf("line is longer than %d KiB: that is no roster row (a row is a few hundred bytes); is it the enterprise CSV, with line breaks?", MaxLineBytes>>10)}
		case b.recordSize > MaxRecordBytes:
			b.err = &boundError{b.recordLine, "", fmt.Sprintf("the row that starts here runs on for more than %d KiB: a double quote on this line is not closed", MaxRecordBytes>>10)}
		}
		if b.err != nil {
			// What came before passes; the next Read fails.
			b.read += int64(pos)
			return pos, nil
		}
		if newline {
			b.line++
			b.lineBytes = 0
			if b.quotes%2 == 0 {
				b.recordLine, b.recordSize, b.quotes = b.line, 0, 0
			}
		}
		pos = end
	}
	b.read += int64(n)
	if tooLarge {
		b.err = &boundError{b.line, "", fmt.Sprintf("the file is larger than %d MiB: that is no roster (a row is a few hundred bytes); split it", MaxFileBytes>>20)}
		return n, nil
	}
	return n, err
}
