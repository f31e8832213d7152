package roster_test

import (
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd/roster"
)

const boundsHeader = "credit_code,name,sector,size,trades,contact,email,mobile,webhook,active\n"

// goodRow is a valid row on which one cell at a time is replaced.
var goodRow = []string{"91350582MAD1A5PN7M", "晋江市海风旅行社有限公司", "tourism", "小微", "有限空间",
	"林海", "safety@haifeng.example.com", "13805950001", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k", "true"}

// rowWith is goodRow with column i set to v, quoted.
func rowWith(i int, v string) string {
	cells := append([]string(nil), goodRow...)
	cells[i] = `"` + strings.ReplaceAll(v, `"`, `""`) + `"`
	return strings.Join(cells, ",") + "\n"
}

// endless is a reader that never ends: the bytes of pattern, over and over.
type endless struct {
	pattern []byte
	read    int64
}

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = e.pattern[(e.read+int64(i))%int64(len(e.pattern))]
	}
	e.read += int64(len(p))
	return len(p), nil
}

// TestReadBounds: a file that is no roster (/dev/zero, one without line
// breaks, an unclosed quote, an endless stream) is refused after a bounded
// read, naming the line, and nothing else is said about it.
func TestReadBounds(t *testing.T) {
	for _, tc := range []struct {
		name    string
		in      *endless
		prefix  string
		want    string
		maxRead int64
	}{
		{"zeros without a line break", &endless{pattern: []byte{0}}, "",
			fmt.Sprintf("in.csv line 1: line is longer than %d KiB", roster.MaxLineBytes>>10), roster.MaxLineBytes + 64<<10},
		{"a long line after the header", &endless{pattern: []byte("晋江")}, boundsHeader + "91350582MAD1A5PN7M,",
			fmt.Sprintf("in.csv line 2: line is longer than %d KiB", roster.MaxLineBytes>>10), roster.MaxLineBytes + 64<<10},
		{"an unclosed quote", &endless{pattern: []byte("晋江市海风旅行社有限公司,tourism,小微\n")}, boundsHeader + "91350582MAD1A5PN7M,\"",
			fmt.Sprintf("in.csv line 2: the row that starts here runs on for more than %d KiB: a double quote on this line is not closed", roster.MaxRecordBytes>>10),
			roster.MaxRecordBytes + 64<<10},
		{"endless blank lines", &endless{pattern: []byte(strings.Repeat(" ", 4095) + "\n")}, boundsHeader,
			fmt.Sprintf("the file is larger than %d MiB", roster.MaxFileBytes>>20), roster.MaxFileBytes + 64<<10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := io.MultiReader(strings.NewReader(tc.prefix), tc.in)
			got, err := roster.Read("in.csv", r, rules)
			if got != nil {
				t.Errorf("Read returned %d enterprises", len(got))
			}
			var ps roster.Problems
			if !errors.As(err, &ps) || len(ps) != 1 || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Read error = %v, want one problem: %s", err, tc.want)
			}
			if tc.in.read > tc.maxRead {
				t.Errorf("read %d bytes of the stream, want at most %d", tc.in.read, tc.maxRead)
			}
		})
	}
}

// TestReadBoundsAtTheLimits: a row with cells at their limits, quoted with
// doubled quotes inside, is read.
func TestReadBoundsAtTheLimits(t *testing.T) {
	cells := append([]string(nil), goodRow...)
	cells[5] = strings.Repeat("林", 255)
	cells[6] = strings.Repeat("a", 243) + "@example.com"
	cells[8] = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + strings.Repeat("k", 1024-53)
	cells[1] = `"` + strings.Repeat(`晋""`, 85) + `"`
	in := boundsHeader + strings.Join(cells, ",") + "\n"
	got, err := roster.Read("in.csv", strings.NewReader(in), rules)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].Name != strings.Repeat(`晋"`, 85) || got[0].Contact != cells[5] || got[0].Webhook != cells[8] {
		t.Errorf("got %+v", got)
	}
}

// TestReadFieldLengths: each cell longer than its column in the MySQL
// schema is refused on its line, naming the column and the length, without
// repeating the text.
func TestReadFieldLengths(t *testing.T) {
	for _, tc := range []struct {
		col   int
		field string
		v     string
		max   int
	}{
		{0, "credit_code", strings.Repeat("9", 65), 64},
		{1, "name", strings.Repeat("晋", 256), 255},
		{1, "name", strings.Repeat("x", 10000), 255},
		{2, "sector", strings.Repeat("t", 65), 64},
		{3, "size", strings.Repeat("小", 33), 32},
		{4, "trades", strings.Repeat("有限空间;", 205), 1024},
		{5, "contact", strings.Repeat("林", 256), 255},
		{6, "email", strings.Repeat("a", 244) + "@example.com", 255},
		{7, "mobile", strings.Repeat("1", 33), 32},
		{8, "webhook", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=" + strings.Repeat("k", 1024-52), 1024},
		{9, "active", strings.Repeat("是", 17), 16},
	} {
		t.Run(fmt.Sprintf("%s %d", tc.field, len([]rune(tc.v))), func(t *testing.T) {
			in := boundsHeader + strings.Join(goodRow, ",") + "\n" + rowWith(tc.col, tc.v)
			in = strings.Replace(in, "\n"+goodRow[0]+",", "\n91350582MA46NJB583,", 1) // the first row another code
			_, err := roster.Read("in.csv", strings.NewReader(in), rules)
			want := []string{fmt.Sprintf("in.csv line 3: %s: is %d characters long, at most %d", tc.field, len([]rune(tc.v)), tc.max)}
			if err == nil {
				t.Fatal("accepted")
			}
			if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

// TestReadControlCharacters: control characters and invisible
// bidirectional controls are refused in every cell, naming line, column,
// position and the character as U+XXXX; other cells are still checked.
func TestReadControlCharacters(t *testing.T) {
	for _, tc := range []struct {
		col   int
		field string
		v     string
		want  string
	}{
		{1, "name", "晋江市\x1b]0;pwned\x07海风", "character 4 is U+001B (ESC)"},
		{1, "name", "晋江\x00市", "character 3 is U+0000 (NUL)"},
		{1, "name", "晋江市\u202e司公限有", "character 4 is U+202E (RIGHT-TO-LEFT OVERRIDE)"},
		{1, "name", "晋江市\t海风", "character 4 is U+0009 (TAB)"},
		{1, "name", "晋江市\r海风", "character 4 is U+000D (CARRIAGE RETURN)"},
		{1, "name", "晋江\u009b市", "character 3 is U+009B"},
		{1, "name", "晋江\x7f市", "character 3 is U+007F (DEL)"},
		{1, "name", "晋江\u2066市\u2069", "character 3 is U+2066 (LEFT-TO-RIGHT ISOLATE)"},
		{1, "name", "晋江\u200f市", "character 3 is U+200F (RIGHT-TO-LEFT MARK)"},
		{1, "name", "晋江\u061c市", "character 3 is U+061C (ARABIC LETTER MARK)"},
		{1, "name", "晋江\u2028市", "character 3 is U+2028 (LINE SEPARATOR)"},
		{5, "contact", "林\n海", "character 2 is U+000A (LINE FEED)"},
		{6, "email", "safety\u202e@haifeng.example.com", "character 7 is U+202E (RIGHT-TO-LEFT OVERRIDE)"},
		{8, "webhook", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k\x1b", "character 55 is U+001B (ESC)"},
		{4, "trades", "有限空间\u202a", "character 5 is U+202A (LEFT-TO-RIGHT EMBEDDING)"},
	} {
		t.Run(tc.field+" "+tc.want, func(t *testing.T) {
			// The row's sector is wrong too: checked and reported as well.
			row := strings.Replace(rowWith(tc.col, tc.v), ",tourism,", ",hotel,", 1)
			_, err := roster.Read("in.csv", strings.NewReader(boundsHeader+row), rules)
			want := []string{
				fmt.Sprintf("in.csv line 2: %s: %s, a control character; remove it (a cell is one line of plain text)", tc.field, tc.want),
				`in.csv line 2: sector: "hotel" is not a sector of the plan (tourism, culture, heritage-museums)`,
			}
			if err == nil {
				t.Fatal("accepted")
			}
			// The text of every cell is checked first, then what it says.
			if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}
