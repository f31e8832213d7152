package roster

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"errors"
	"io"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/transform"
)

// sniffBytes is how much of a file that cannot be read twice decides its
// encoding.
const sniffBytes = 64 << 10

// csvSource reads the records of a CSV file, in UTF-8 or GB18030, within
// the bounds of Read.
type csvSource struct {
	csv *csv.Reader
	why string // why the file cannot be read, "" when it can
	// badLine is the first line with bytes that are not UTF-8, which made
	// the file GB18030; 0 when it is UTF-8.
	badLine int
}

func (s *csvSource) read() ([]string, error) {
	if s.csv == nil {
		return nil, io.EOF
	}
	return s.csv.Read()
}

func (s *csvSource) pos(i int) where {
	if s.csv == nil {
		return where{}
	}
	line, _ := s.csv.FieldPos(i)
	return where{line: line}
}

func (s *csvSource) refuse() string { return s.why }
func (s *csvSource) padded() bool   { return false }

// newCSVSource finds the encoding of r (see ReadCSV) and reads its records
// through the bounds, which count the file's own bytes: GB18030 never has a
// line break or a double quote inside a character, so lines and quotes are
// the same before and after decoding.
func newCSVSource(r io.Reader) (*csvSource, error) {
	badLine, r, err := notUTF8(r)
	if err != nil {
		return nil, err
	}
	gb := badLine > 0
	raw := bufio.NewReader(r)
	if head, _ := raw.Peek(2); bytes.Equal(head, []byte{0xFF, 0xFE}) || bytes.Equal(head, []byte{0xFE, 0xFF}) {
		return &csvSource{why: "the file is UTF-16 (Excel's \"Unicode text\"); save it as CSV UTF-8 or as .xlsx"}, nil
	}
	var in io.Reader = &boundedReader{r: raw, line: 1, recordLine: 1}
	if gb {
		in = transform.NewReader(in, simplifiedchinese.GB18030.NewDecoder())
	}
	br := bufio.NewReader(in)
	if head, _ := br.Peek(3); bytes.HasPrefix(head, []byte("\ufeff")) {
		br.Discard(3) // cannot fail: Peek returned the bytes
	}
	cr := csv.NewReader(br)
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	return &csvSource{csv: cr, badLine: badLine}, nil
}

// notUTF8 decides whether r is GB18030 rather than UTF-8, returning the
// line of its first byte that is not UTF-8 (0: the file is UTF-8), and the
// reader to read the file from, at its start: r itself when r could be
// rewound, else a reader that first returns what was looked at.
func notUTF8(r io.Reader) (int, io.Reader, error) {
	if rs, ok := r.(io.ReadSeeker); ok {
		if start, err := rs.Seek(0, io.SeekCurrent); err == nil {
			line, err := scanUTF8(io.LimitReader(rs, MaxFileBytes+1))
			if err != nil {
				return 0, nil, err
			}
			if _, err := rs.Seek(start, io.SeekStart); err != nil {
				return 0, nil, err
			}
			return line, rs, nil
		}
	}
	br := bufio.NewReaderSize(r, sniffBytes)
	head, err := br.Peek(sniffBytes)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, bufio.ErrBufferFull) {
		return 0, nil, err
	}
	if bytes.HasPrefix(head, []byte("\ufeff")) {
		return 0, br, nil
	}
	return invalidLine(head, len(head) < sniffBytes, 1), br, nil
}

// scanUTF8 reads r to its end or its first byte that is not UTF-8, and
// returns that byte's line, 0 when there is none (after a UTF-8 byte order
// mark there is none to look for).
func scanUTF8(r io.Reader) (int, error) {
	buf := make([]byte, 32<<10)
	var carry []byte
	line := 1
	for first := true; ; first = false {
		n, err := io.ReadFull(r, buf[len(carry):]) // carry is at buf's start
		chunk := buf[:len(carry)+n]
		if first && bytes.HasPrefix(chunk, []byte("\ufeff")) {
			return 0, nil
		}
		end := errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)
		if err != nil && !end {
			return 0, err
		}
		if bad := invalidLine(chunk, end, line); bad > 0 {
			return bad, nil
		}
		if end {
			return 0, nil
		}
		// Keep a character cut at the chunk's end for the next round.
		cut := len(chunk) - incompleteTail(chunk)
		line += bytes.Count(chunk[:cut], []byte{'\n'})
		carry = append(carry[:0], chunk[cut:]...)
		copy(buf, carry)
	}
}

// invalidLine is the line of b's first byte that is not UTF-8, counting
// from line, 0 when there is none; unless whole, a character cut at b's
// end counts as valid.
func invalidLine(b []byte, whole bool, line int) int {
	if !whole {
		b = b[:len(b)-incompleteTail(b)]
	}
	if utf8.Valid(b) {
		return 0
	}
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size == 1 {
			return line + bytes.Count(b[:i], []byte{'\n'})
		}
		i += size
	}
	return 0
}

// incompleteTail is how many bytes at the end of b begin a UTF-8 character
// that b does not finish.
func incompleteTail(b []byte) int {
	for i := 1; i <= 3 && i <= len(b); i++ {
		c := b[len(b)-i]
		if c < 0x80 {
			return 0
		}
		if c >= 0xC0 { // a lead byte: is its character complete?
			need := 2
			if c >= 0xE0 {
				need = 3
			}
			if c >= 0xF0 {
				need = 4
			}
			if need > i {
				return i
			}
			return 0
		}
	}
	return 0
}
