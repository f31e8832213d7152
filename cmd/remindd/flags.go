package main

import (
	"errors"
	"flag"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// decimal is a flag holding a count or an identifier written in decimal
// digits only. flag.Int reads a number as Go source does, so 054 is octal
// 44, and 0x2c, 0b101, 1_0 and +5 are numbers too; a task number is none of
// these. Leading zeros are allowed and mean nothing: 054 is 54, as an
// operator copying from a spreadsheet means it.
type decimal struct {
	n   int
	set bool
}

// maxDecimalDigits keeps a value within int on every platform.
const maxDecimalDigits = 9

func (d *decimal) String() string {
	if d == nil || !d.set {
		return ""
	}
	return strconv.Itoa(d.n)
}

// Set accepts ASCII digits only. The flag package puts its error after
// `invalid value "…" for flag -NAME: `, so the message names the flag.
func (d *decimal) Set(s string) error {
	if s == "" {
		return errors.New("want a decimal number such as 44")
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return errors.New("want a decimal number such as 44, digits 0-9 only (no sign, prefix or separator)")
		}
	}
	digits := len(s)
	for i := 0; i < len(s)-1 && s[i] == '0'; i++ {
		digits--
	}
	if digits > maxDecimalDigits {
		return errors.New("number too large")
	}
	n, err := strconv.Atoi(s)
	if err != nil { // cannot happen: at most 9 significant ASCII digits
		return errors.New("want a decimal number such as 44")
	}
	d.n, d.set = n, true
	return nil
}

// decimalFlag defines a decimal flag on fs.
func decimalFlag(fs *flag.FlagSet, name, usage string) *decimal {
	d := &decimal{}
	fs.Var(d, name, usage)
	return d
}

// parseAt reads an --at flag: an RFC 3339 instant, now when empty.
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

// flagName is a field of a record as the command line names it: by its flag.
func flagName(field string) string { return "--" + field }

// taskList is a flag holding task numbers: a number, a range A-B, or a
// comma-separated list of both (1-43,45), each number in decimal as
// decimal reads it. The numbers come ascending, each once.
type taskList struct {
	ns []int
}

func (l *taskList) String() string {
	if l == nil {
		return ""
	}
	return ranges(l.ns)
}

// maxTaskRange bounds a range, so that a typo (1-4444444) is not a loop
// over millions of numbers: no plan has more tasks.
const maxTaskRange = 10000

func (l *taskList) Set(s string) error {
	seen := map[int]bool{}
	var out []int
	in := func(err error) error {
		if strings.ContainsAny(s, ",-") {
			return fmt.Errorf("%w, in %q (a list looks like 1-43,45)", err, s)
		}
		return err
	}
	for _, part := range strings.Split(s, ",") {
		lo, hi, isRange := strings.Cut(part, "-")
		var a, b decimal
		if err := a.Set(lo); err != nil {
			return in(err)
		}
		b = a
		if isRange {
			if err := b.Set(hi); err != nil {
				return in(err)
			}
			if b.n < a.n {
				return fmt.Errorf("%q: the range ends before it starts", part)
			}
			if b.n-a.n >= maxTaskRange {
				return fmt.Errorf("%q: a range of more than %d tasks", part, maxTaskRange)
			}
		}
		for n := a.n; n <= b.n; n++ {
			if !seen[n] {
				seen[n] = true
				out = append(out, n)
			}
		}
	}
	slices.Sort(out)
	l.ns = out
	return nil
}
