// Package creditcode validates unified social credit codes
// (统一社会信用代码, GB 32100-2015), the IDs remindd gives enterprises.
package creditcode

import (
	"fmt"
	"strings"
)

// Len is the length of a unified social credit code.
const Len = 18

// alphabet lists the code's characters in order of value (0–30); I, O, Z, S
// and V are not used.
const alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"

// weights are the check-character weights of positions 1–17 (3^(i-1) mod 31).
var weights = [Len - 1]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// Valid reports nil when code is a well-formed unified social credit code
// with a correct check character, or an error saying what is wrong.
func Valid(code string) error {
	if code == "" {
		return fmt.Errorf("code is empty")
	}
	if n := len(code); n != Len {
		if c := len([]rune(code)); c != n {
			return fmt.Errorf("code has %d characters, want %d ASCII characters", c, Len)
		}
		return fmt.Errorf("code has %d characters, want %d", n, Len)
	}
	if err := checkChars(code); err != nil {
		return err
	}
	want, _ := CheckChar(code[:Len-1]) // cannot fail: length and characters are checked
	if got := code[Len-1]; got != want {
		return fmt.Errorf("check character is %c, want %c", got, want)
	}
	return nil
}

// CheckChar computes the 18th character of a code from its first 17.
func CheckChar(first17 string) (byte, error) {
	if n := len(first17); n != Len-1 {
		return 0, fmt.Errorf("code without its check character has %d bytes, want %d", n, Len-1)
	}
	if err := checkChars(first17); err != nil {
		return 0, err
	}
	sum := 0
	for i := 0; i < Len-1; i++ {
		sum += strings.IndexByte(alphabet, first17[i]) * weights[i]
	}
	return alphabet[(31-sum%31)%31], nil
}

// checkChars reports the first character of s outside the alphabet, by its
// 1-based position.
func checkChars(s string) error {
	for i, r := range s {
		if r < 0x80 && strings.IndexByte(alphabet, byte(r)) >= 0 {
			continue
		}
		pos := len([]rune(s[:i])) + 1
		switch {
		case r >= 'a' && r <= 'z' && strings.IndexRune(alphabet, r-'a'+'A') >= 0:
			return fmt.Errorf("character %d is lower-case %q, codes use upper case", pos, r)
		case r == 'I' || r == 'O' || r == 'Z' || r == 'S' || r == 'V' ||
			r == 'i' || r == 'o' || r == 'z' || r == 's' || r == 'v':
			return fmt.Errorf("character %d is %q, which codes never use (no I, O, Z, S, V)", pos, r)
		default:
			return fmt.Errorf("character %d is %q, not one of %s", pos, r, alphabet)
		}
	}
	return nil
}
