package web

import (
	"errors"
	"strings"
	"testing"
)

func TestHashPasswordVerifies(t *testing.T) {
	h, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Errorf("hash %s: want argon2id with the documented parameters", h)
	}
	if strings.Contains(h, "correct horse") {
		t.Errorf("hash %s holds the password", h)
	}
	for pw, want := range map[string]bool{
		"correct horse battery":  true,
		"correct horse battery ": false,
		"Correct horse battery":  false,
		"":                       false,
	} {
		ok, err := CheckPassword(h, pw)
		if err != nil || ok != want {
			t.Errorf("CheckPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	h2, err := HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	if h2 == h {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
}

// Hashes written by the reference implementation (Debian's argon2 command:
// echo -n PW | argon2 SALT -id -t T -k M -p P -l 32 -e) verify, so the
// format is the PHC one other tools read and write.
func TestCheckPasswordReadsReferenceHashes(t *testing.T) {
	for _, tc := range []struct{ hash, pw string }{
		{"$argon2id$v=19$m=19456,t=2,p=1$cmVtaW5kZC1rYXQtc2FsdA$v5/DPM9Ono1EDkQeCKkyRwWjIdBOYbIeB1QyHvFYROs", "correct horse battery"},
		{"$argon2id$v=19$m=4096,t=1,p=2$c2FsdHNhbHRzYWx0c2FsdA$vOoOzagaKVZU2bbbQDCq6Hk+ASCN3ii3UgqKVDUxEYY", "密码是八个字符"},
	} {
		if ok, err := CheckPassword(tc.hash, tc.pw); !ok || err != nil {
			t.Errorf("CheckPassword(%s, %q) = %v, %v", tc.hash, tc.pw, ok, err)
		}
		if ok, err := CheckPassword(tc.hash, tc.pw+"x"); ok || err != nil {
			t.Errorf("CheckPassword(%s, wrong) = %v, %v", tc.hash, ok, err)
		}
	}
}

func TestCheckPasswordRefusesUnreadableHashes(t *testing.T) {
	const salt, key = "cmVtaW5kZC1rYXQtc2FsdA", "v5/DPM9Ono1EDkQeCKkyRwWjIdBOYbIeB1QyHvFYROs"
	for name, h := range map[string]string{
		"empty":          "",
		"bcrypt":         "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":        "$argon2i$v=19$m=19456,t=2,p=1$" + salt + "$" + key,
		"old version":    "$argon2id$v=16$m=19456,t=2,p=1$" + salt + "$" + key,
		"memory too big": "$argon2id$v=19$m=99999999,t=2,p=1$" + salt + "$" + key,
		"zero time":      "$argon2id$v=19$m=19456,t=0,p=1$" + salt + "$" + key,
		"many passes":    "$argon2id$v=19$m=19456,t=1000,p=1$" + salt + "$" + key,
		"unknown param":  "$argon2id$v=19$m=19456,t=2,p=1,x=3$" + salt + "$" + key,
		"bad salt":       "$argon2id$v=19$m=19456,t=2,p=1$***$" + key,
		"short key":      "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$AAAA",
		"extra part":     "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key + "$x",
	} {
		if ok, err := CheckPassword(h, "correct horse battery"); ok || !errors.Is(err, ErrBadHash) {
			t.Errorf("%s: CheckPassword = %v, %v; want ErrBadHash", name, ok, err)
		}
	}
}

func TestPasswordProblem(t *testing.T) {
	for pw, want := range map[string]string{
		"":                         "the password is empty",
		"short":                    "the password has 5 characters: it needs at least 8",
		"七个字的密码啊":                  "the password has 7 characters: it needs at least 8",
		"八个字的密码好了":                 "",
		"12345678":                 "",
		"\xff\xfe\xfd\xfc12345678": "the password is not valid UTF-8",
		strings.Repeat("x", 257):   "the password has 257 characters: at most 256",
	} {
		if got := PasswordProblem(pw); got != want {
			t.Errorf("PasswordProblem(%q) = %q, want %q", pw, got, want)
		}
	}
}
