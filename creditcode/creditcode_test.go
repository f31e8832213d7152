package creditcode_test

import (
	"strings"
	"testing"

	"github.com/remindd/remindd/creditcode"
)

func TestValid(t *testing.T) {
	tests := []struct {
		name string
		code string
		want string // error text; "" means valid
	}{
		{"华为技术有限公司", "914403001922038216", ""},
		{"深圳市腾讯计算机系统有限公司, check character X", "9144030071526726XG", ""},
		{"GB 32100-2015 example with letters in the org code", "91350100M000100Y43", ""},
		{"check character 0 when the sum is a multiple of 31", "91350582MA000001Y0", ""},
		{"wrong check character", "914403001922038217", "check character is 7, want 6"},
		{"wrong check letter", "9144030071526726XH", "check character is H, want G"},
		{"17 characters", "91440300192203821", "code has 17 characters, want 18"},
		{"19 characters", "9144030019220382160", "code has 19 characters, want 18"},
		{"empty", "", "code is empty"},
		{"lower-case letter", "9144030071526726xG", `character 17 is lower-case 'x', codes use upper case`},
		{"I is never used", "91350100MI00100Y43", `character 10 is 'I', which codes never use (no I, O, Z, S, V)`},
		{"O is never used", "9135010OM000100Y43", `character 8 is 'O', which codes never use (no I, O, Z, S, V)`},
		{"Z is never used", "91350100M000100Z43", `character 16 is 'Z', which codes never use (no I, O, Z, S, V)`},
		{"S is never used", "S1350100M000100Y43", `character 1 is 'S', which codes never use (no I, O, Z, S, V)`},
		{"V is never used", "91350100M000100Y4V", `character 18 is 'V', which codes never use (no I, O, Z, S, V)`},
		{"space inside", "9144030019220 8216", `character 14 is ' ', not one of 0123456789ABCDEFGHJKLMNPQRTUWXY`},
		{"full-width digit", "91440300192203821６", "code has 18 characters, want 18 ASCII characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := creditcode.Valid(tt.code)
			got := ""
			if err != nil {
				got = err.Error()
			}
			if got != tt.want {
				t.Errorf("Valid(%q) = %q, want %q", tt.code, got, tt.want)
			}
		})
	}
}

func TestCheckChar(t *testing.T) {
	tests := []struct {
		first17 string
		want    byte
		err     string
	}{
		{"91440300192203821", '6', ""},
		{"9144030071526726X", 'G', ""},
		{"91350100M000100Y4", '3', ""},
		{"91350582MA000001Y", '0', ""},
		{"914403001922038216", 0, "code without its check character has 18 bytes, want 17"},
		{"9144030019220382I", 0, `character 17 is 'I', which codes never use (no I, O, Z, S, V)`},
	}
	for _, tt := range tests {
		t.Run(tt.first17, func(t *testing.T) {
			got, err := creditcode.CheckChar(tt.first17)
			gotErr := ""
			if err != nil {
				gotErr = err.Error()
			}
			if got != tt.want || gotErr != tt.err {
				t.Errorf("CheckChar(%q) = %q, %q; want %q, %q", tt.first17, got, gotErr, tt.want, tt.err)
			}
		})
	}
}

func FuzzValid(f *testing.F) {
	for _, s := range []string{
		"914403001922038216", "9144030071526726XG", "91350100M000100Y43",
		"914403001922038217", "9144030071526726xg", "", "91350100MI00100Y43",
		"91440300192203821６", strings.Repeat("Y", 18),
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, code string) {
		err := creditcode.Valid(code)
		if err == nil {
			c, cerr := creditcode.CheckChar(code[:creditcode.Len-1])
			if cerr != nil || c != code[creditcode.Len-1] {
				t.Fatalf("Valid(%q) = nil but CheckChar = %q, %v", code, c, cerr)
			}
			return
		}
		if len(code) >= creditcode.Len-1 {
			c, cerr := creditcode.CheckChar(code[:creditcode.Len-1])
			if cerr == nil {
				fixed := code[:creditcode.Len-1] + string(c)
				if verr := creditcode.Valid(fixed); verr != nil {
					t.Fatalf("Valid(%q) with computed check character: %v", fixed, verr)
				}
			}
		}
	})
}
