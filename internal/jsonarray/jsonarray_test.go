package jsonarray

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

type row struct {
	Name  string    `json:"name"`
	At    time.Time `json:"at"`
	Tasks []int     `json:"tasks"`
}

func TestWrite(t *testing.T) {
	at := time.Date(2024, 6, 2, 9, 0, 0, 0, time.FixedZone("", 8*3600))
	for _, c := range []struct {
		name string
		rows []row
		want string
	}{
		{"nil", nil, "[]\n"},
		{"empty", []row{}, "[]\n"},
		{"one", []row{{Name: "晋江市<某>酒店 & \"茶\"", At: at, Tasks: []int{44, 45}}},
			"[\n  {\"name\":\"晋江市<某>酒店 & \\\"茶\\\"\",\"at\":\"2024-06-02T09:00:00+08:00\",\"tasks\":[44,45]}\n]\n"},
		{"two, strings json escapes", []row{{Name: "a\u2028b\x01\n", At: at}, {Name: "c", At: at, Tasks: []int{}}},
			"[\n  {\"name\":\"a\\u2028b\\u0001\\n\",\"at\":\"2024-06-02T09:00:00+08:00\",\"tasks\":null},\n" +
				"  {\"name\":\"c\",\"at\":\"2024-06-02T09:00:00+08:00\",\"tasks\":[]}\n]\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var b bytes.Buffer
			if err := Write(&b, c.rows); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(c.want, b.String()); diff != "" {
				t.Errorf("Write (-want +got):\n%s", diff)
			}
			var back []row
			if err := json.Unmarshal(b.Bytes(), &back); err != nil {
				t.Fatalf("not JSON: %v", err)
			}
			if len(c.rows) > 0 && !cmp.Equal(c.rows, back) {
				t.Errorf("read back %v, wrote %v", back, c.rows)
			}
		})
	}
}

// TestWriteRefusesWhatEncodingJSONRefuses: a time past the year 9999 stops
// the array with encoding/json's error, after the elements before it.
func TestWriteRefusesWhatEncodingJSONRefuses(t *testing.T) {
	rows := []row{{Name: "ok"}, {Name: "far", At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)}, {Name: "never"}}
	var b bytes.Buffer
	err := Write(&b, rows)
	if err == nil || !strings.Contains(err.Error(), "year outside of range") {
		t.Fatalf("Write = %v, want encoding/json's year error", err)
	}
	if got := b.String(); !strings.Contains(got, `"ok"`) || strings.Contains(got, "never") {
		t.Errorf("wrote %q: want the first element only", got)
	}
}

// marks is an element that, when encoded, notes how much of the array the
// writer has received by then.
type marks struct {
	w    *countingWriter
	seen *[]int
}

func (m marks) MarshalJSON() ([]byte, error) {
	*m.seen = append(*m.seen, m.w.n)
	return []byte(`"` + strings.Repeat("x", 100) + `"`), nil
}

type countingWriter struct{ n int }

func (c *countingWriter) Write(p []byte) (int, error) { c.n += len(p); return len(p), nil }

// TestWriteStreams: elements reach the writer while later ones are still
// to be encoded, never more than a buffer (64 KiB) behind; the array, 1 MB,
// is never held whole.
func TestWriteStreams(t *testing.T) {
	const n = 10000 // 106 bytes a line
	var (
		w    countingWriter
		seen []int
	)
	rows := make([]marks, n)
	for i := range rows {
		rows[i] = marks{&w, &seen}
	}
	if err := Write(&w, rows); err != nil {
		t.Fatal(err)
	}
	if len(seen) != n {
		t.Fatalf("%d elements encoded, want %d", len(seen), n)
	}
	for i, got := range seen {
		if behind := i*106 - got; behind > 64<<10+106 {
			t.Fatalf("element %d encoded when the writer had %d bytes, %d behind the %d before it", i, got, behind, i*106)
		}
	}
	if w.n != 2+n*106+1 {
		t.Errorf("wrote %d bytes, want %d", w.n, 2+n*106+1)
	}
}

type failingWriter struct{ after int }

func (f *failingWriter) Write(p []byte) (int, error) {
	if f.after -= len(p); f.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

// TestWriteReportsTheWritersError: a writer that fails stops the array.
func TestWriteReportsTheWritersError(t *testing.T) {
	rows := make([]row, 5000)
	for i := range rows {
		rows[i].Name = fmt.Sprint(i)
	}
	for _, after := range []int{0, 100, 70 << 10} {
		if err := Write(&failingWriter{after: after}, rows); err == nil || err.Error() != "disk full" {
			t.Errorf("fail after %d bytes: Write = %v, want disk full", after, err)
		}
	}
}
