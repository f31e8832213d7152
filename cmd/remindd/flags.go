package main

import (
	"errors"
	"flag"
	"fmt"
	"strconv"
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
