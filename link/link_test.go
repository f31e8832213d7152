package link

import (
	"encoding/base64"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remindd/remindd"
)

var (
	section    = remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}
	enterprise = remindd.Recipient{Kind: remindd.KindEnterprise, ID: "91350582MA46NJB583"}
	expires    = time.Date(2025, 1, 31, 23, 59, 59, 0, time.FixedZone("CST", 8*3600))
	before     = expires.Add(-24 * time.Hour)
)

func key(t *testing.T, first byte) Key {
	t.Helper()
	secret := make([]byte, 32)
	for i := range secret {
		secret[i] = first + byte(i)
	}
	k, err := NewKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// TestKnownToken: the token of a fixed key, recipient and expiry is the one
// testdata/known.sh computes with openssl from the documented format.
func TestKnownToken(t *testing.T) {
	want, err := os.ReadFile("testdata/known.txt")
	if err != nil {
		t.Fatal(err)
	}
	got, err := NewSigner(key(t, 0)).Mint(section, expires)
	if err != nil {
		t.Fatal(err)
	}
	if got != strings.TrimSpace(string(want)) {
		t.Errorf("token %s, want %s (testdata/known.sh)", got, want)
	}
}

func TestMintOpen(t *testing.T) {
	s := NewSigner(key(t, 0))
	for _, r := range []remindd.Recipient{section, enterprise} {
		tok, err := s.Mint(r, expires)
		if err != nil {
			t.Fatal(err)
		}
		if strings.ContainsAny(tok, "+/=") {
			t.Errorf("token %s is not base64url without padding", tok)
		}
		for _, at := range []time.Time{before, expires} {
			got, err := s.Open(tok, at)
			if err != nil || got != r {
				t.Errorf("Open(%s) at %s: %v, %v; want %v", tok, at, got, err, r)
			}
		}
		if _, err := s.Open(tok, expires.Add(time.Second)); !errors.Is(err, ErrExpired) {
			t.Errorf("Open a second after expiry: %v, want ErrExpired", err)
		}
	}
}

// TestTamperedTokens: changing any byte of a token, cutting it, lengthening
// it or signing it with another key never opens a page, let alone another
// recipient's.
func TestTamperedTokens(t *testing.T) {
	s := NewSigner(key(t, 0))
	tok, err := s.Mint(section, expires)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := base64.RawURLEncoding.DecodeString(tok)
	if err != nil {
		t.Fatal(err)
	}
	for i := range raw {
		for _, bit := range []byte{0x01, 0x80} {
			b := append([]byte(nil), raw...)
			b[i] ^= bit
			if r, err := s.Open(base64.RawURLEncoding.EncodeToString(b), before); !errors.Is(err, ErrTampered) {
				t.Errorf("byte %d flipped (%#x): %v, %v; want ErrTampered", i, bit, r, err)
			}
		}
	}
	other, err := NewSigner(key(t, 100)).Mint(section, expires)
	if err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]string{
		"another key":    other,
		"cut":            tok[:len(tok)-1],
		"cut to nothing": "",
		"extended":       tok + "A",
		"not base64":     tok[:10] + "*" + tok[11:],
		"padded":         tok + "==",
		"too long":       strings.Repeat("A", 200),
	} {
		if r, err := s.Open(bad, before); !errors.Is(err, ErrTampered) {
			t.Errorf("%s: %v, %v; want ErrTampered", name, r, err)
		}
	}
	// An expired token that was also tampered with is tampered: the MAC is
	// checked first, so a forged expiry gains nothing.
	b := append([]byte(nil), raw...)
	b[12] ^= 1
	if _, err := s.Open(base64.RawURLEncoding.EncodeToString(b), expires.Add(time.Hour)); !errors.Is(err, ErrTampered) {
		t.Errorf("tampered and expired: %v, want ErrTampered", err)
	}
}

// TestRotation: after a new key takes over, links of the previous one still
// open while it is kept, and new links are of the new key.
func TestRotation(t *testing.T) {
	old, cur := key(t, 0), key(t, 50)
	oldTok, err := NewSigner(old).Mint(section, expires)
	if err != nil {
		t.Fatal(err)
	}
	s := NewSigner(cur, old)
	if r, err := s.Open(oldTok, before); err != nil || r != section {
		t.Errorf("old link after rotation: %v, %v", r, err)
	}
	newTok, err := s.Mint(section, expires)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSigner(old).Open(newTok, before); !errors.Is(err, ErrTampered) {
		t.Errorf("a new link opened with the old key alone: %v", err)
	}
	if _, err := NewSigner(cur).Open(oldTok, before); !errors.Is(err, ErrTampered) {
		t.Errorf("an old link opened once its key was dropped: %v", err)
	}
}

func TestMintRefuses(t *testing.T) {
	s := NewSigner(key(t, 0))
	for _, r := range []remindd.Recipient{
		{Kind: remindd.KindOffice, ID: "office"},
		{Kind: remindd.KindSection, ID: ""},
		{Kind: remindd.KindSection, ID: strings.Repeat("x", maxID+1)},
	} {
		if tok, err := s.Mint(r, expires); err == nil {
			t.Errorf("Mint(%v) = %s, want an error", r, tok)
		}
	}
	if _, err := NewKey(make([]byte, 31)); err == nil {
		t.Error("NewKey took 31 bytes")
	}
}

// TestLoadKey: a missing key file is created on first use, readable by its
// owner only, and read the same afterwards; a bad one is refused naming it.
func TestLoadKey(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "web.key")
	if _, err := LoadKey(path, false); err == nil {
		t.Error("a missing key file was accepted without create")
	}
	k1, err := LoadKey(path, true)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %v, want 0600", fi.Mode().Perm())
	}
	k2, err := LoadKey(path, true)
	if err != nil || k2.ID() != k1.ID() || string(k2.secret) != string(k1.secret) {
		t.Errorf("second load: %v, %v; want the key written first", k2.ID(), err)
	}
	bad := filepath.Join(dir, "bad.key")
	if err := os.WriteFile(bad, []byte("not hex\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadKey(bad, true); err == nil || !strings.Contains(err.Error(), bad) {
		t.Errorf("bad key file: %v, want an error naming %s", err, bad)
	}
	if data, _ := os.ReadFile(bad); string(data) != "not hex\n" {
		t.Error("a bad key file was overwritten")
	}
}

// TestLoadKeyCreatesOnceUnderRace: processes starting at once (the daemon
// and a command, several test binaries) each create the key if missing;
// all of them read the same key, none a half-written file, and the folder
// is created.
func TestLoadKeyCreatesOnceUnderRace(t *testing.T) {
	path := filepath.Join(t.TempDir(), "var", "web.key")
	const n = 16
	ids := make(chan string, n)
	errs := make(chan error, n)
	for range n {
		go func() {
			k, err := LoadKey(path, true)
			if err != nil {
				errs <- err
				return
			}
			ids <- k.ID()
		}()
	}
	var first string
	for range n {
		select {
		case err := <-errs:
			t.Error(err)
		case id := <-ids:
			if first == "" {
				first = id
			} else if id != first {
				t.Errorf("key %s, another load read %s", id, first)
			}
		}
	}
	entries, err := os.ReadDir(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 || entries[0].Name() != "web.key" {
		t.Errorf("folder holds %v, want web.key alone (no temporary file left)", entries)
	}
}

// TestEveryOtherSpellingIsTampered: changing any one character of a token
// to any other base64url character is refused, the last one included,
// whose low bits the encoding leaves zero (a lax decoder reads "…g" and
// "…A" as the same bytes).
func TestEveryOtherSpellingIsTampered(t *testing.T) {
	s := NewSigner(key(t, 0))
	tok, err := s.Mint(section, expires)
	if err != nil {
		t.Fatal(err)
	}
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	for i := range tok {
		for _, c := range alphabet {
			if byte(c) == tok[i] {
				continue
			}
			bad := tok[:i] + string(c) + tok[i+1:]
			if r, err := s.Open(bad, before); !errors.Is(err, ErrTampered) {
				t.Fatalf("character %d changed to %c: %v, %v; want ErrTampered", i, c, r, err)
			}
		}
	}
}
