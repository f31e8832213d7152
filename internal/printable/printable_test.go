package printable

import "testing"

func TestUnsafe(t *testing.T) {
	for _, r := range []rune{0, '\t', '\n', '\r', 0x1b, 0x1f, 0x7f, 0x80, 0x85, 0x9f,
		0x061c, 0x200e, 0x200f, 0x202a, 0x202e, 0x2066, 0x2069, 0x2028, 0x2029} {
		if !Unsafe(r) {
			t.Errorf("%s is not unsafe", Name(r))
		}
	}
	for _, r := range []rune{' ', 'a', '~', 0xa0, '、', '晋', 0x200b, 0x2070, 0x202f, 0x2065, 0xfffd} {
		if Unsafe(r) {
			t.Errorf("%s is unsafe", Name(r))
		}
	}
}

func TestFirst(t *testing.T) {
	if r, pos, ok := First("晋江\u202e市"); !ok || r != 0x202e || pos != 3 {
		t.Errorf("First = %U, %d, %v; want U+202E at 3", r, pos, ok)
	}
	if _, _, ok := First("晋江市 海韵"); ok {
		t.Error("a clean name has an unsafe character")
	}
}

func TestEscape(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"晋江市海韵", "晋江市海韵"},
		{"\x1b]0;pwned\x07名称", `\u001b]0;pwned\u0007名称`},
		{"a\x00b", `a\u0000b`},
		{"exe.\u202etxt", `exe.\u202etxt`},
		{"tab\there\nline", `tab\u0009here\u000aline`},
		{"bad\xffbyte", `bad\xffbyte`},
		{"c1\u0085\u009b", `c1\u0085\u009b`},
		{"\u2066iso\u2069", `\u2066iso\u2069`},
		{"kept \ufffd", "kept \ufffd"},
	} {
		if got := Escape(tc.in); got != tc.want {
			t.Errorf("Escape(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestName(t *testing.T) {
	if got := Name(0x202e); got != "U+202E (RIGHT-TO-LEFT OVERRIDE)" {
		t.Errorf("Name(U+202E) = %q", got)
	}
	if got := Name(0x1c); got != "U+001C" {
		t.Errorf("Name(U+001C) = %q", got)
	}
}

func TestCheckField(t *testing.T) {
	for _, tc := range []struct {
		v     string
		max   int
		lines bool
		want  string // "" for no error
	}{
		{v: "某酒店党员模范岗", max: 8},
		{v: "某酒店党员模范岗", max: 7, want: "--name is 8 characters long, at most 7"},
		{v: "😀😀", max: 2},
		{v: "ab\xff", max: 10, want: "--name is not UTF-8"},
		{v: "晋江\u202e市", max: 10, want: "--name: character 3 is U+202E (RIGHT-TO-LEFT OVERRIDE), a control character; remove it"},
		{v: "line\nbreak", max: 20, want: "--name: character 5 is U+000A (LINE FEED), a control character; remove it"},
		{v: "line\nbreak", max: 20, lines: true},
		{v: "line\r\nbreak", max: 20, lines: true, want: "--name: character 5 is U+000D (CARRIAGE RETURN), a control character; remove it"},
		{v: "", max: 0},
	} {
		err := CheckField("--name", tc.v, tc.max, tc.lines)
		got := ""
		if err != nil {
			got = err.Error()
		}
		if got != tc.want {
			t.Errorf("CheckField(%q, %d, %v) = %q, want %q", tc.v, tc.max, tc.lines, got, tc.want)
		}
	}
}
