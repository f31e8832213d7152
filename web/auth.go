package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Desk passwords are stored as argon2id hashes in the PHC string format
// that libraries in every language read:
//
//	$argon2id$v=19$m=19456,t=2,p=1$SALT$KEY
//
// with SALT and KEY in unpadded standard base64. The parameters travel in
// the hash, so a later release may raise them and old hashes keep
// verifying.

// The cost of a new hash: OWASP's first recommendation for argon2id (19 MiB,
// two passes, one lane), about 30 ms on this project's 2-core machines. A
// login hashes once; the rate limit keeps a guesser from making many.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSaltLen = 16
	argonKeyLen  = 32
)

// Bounds of what CheckPassword accepts from a stored hash, so that a row
// written by hand cannot make a login take gigabytes or minutes.
const (
	maxArgonMemory  = 1 << 20 // KiB: 1 GiB
	maxArgonTime    = 16
	maxArgonThreads = 16
)

// Password lengths, in characters. A password is at least MinPassword long;
// MaxPassword bounds the work a login's hashing does on what a client sends.
const (
	MinPassword = 8
	MaxPassword = 256
)

// MaxUserName bounds a desk account's name, in characters.
const MaxUserName = 64

// ErrBadHash is CheckPassword's answer for a stored hash it cannot read.
var ErrBadHash = errors.New("password hash is not an argon2id hash this version reads")

// PasswordProblem says what makes pw unfit as a new desk password, or ""
// when it is fine: empty, shorter than MinPassword or longer than
// MaxPassword characters, or not valid UTF-8.
func PasswordProblem(pw string) string {
	n := utf8.RuneCountInString(pw)
	switch {
	case pw == "":
		return "the password is empty"
	case !utf8.ValidString(pw):
		return "the password is not valid UTF-8"
	case n < MinPassword:
		return fmt.Sprintf("the password has %d characters: it needs at least %d", n, MinPassword)
	case n > MaxPassword:
		return fmt.Sprintf("the password has %d characters: at most %d", n, MaxPassword)
	}
	return ""
}

// HashPassword hashes pw with argon2id and a fresh random salt.
func HashPassword(pw string) (string, error) {
	salt := make([]byte, argonSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, argonMemory, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword reports whether pw matches hash, comparing the keys in
// constant time. A hash it cannot read is ErrBadHash.
func CheckPassword(hash, pw string) (bool, error) {
	h, err := parseArgon2id(hash)
	if err != nil {
		return false, err
	}
	if len(pw) > 4*MaxPassword { // bytes: MaxPassword characters of UTF-8 at most
		return false, nil
	}
	key := argon2.IDKey([]byte(pw), h.salt, h.time, h.memory, h.threads, uint32(len(h.key)))
	return subtle.ConstantTimeCompare(key, h.key) == 1, nil
}

// dummyHash is what a login for an unknown name is checked against, so
// that it takes as long as one for a known name with a wrong password, and
// answers the same.
// It is made at the first login, not when a command starts.
var dummyHash = sync.OnceValue(func() string {
	h, err := HashPassword("remindd: no such user")
	if err != nil {
		panic(err) // crypto/rand does not fail on supported platforms
	}
	return h
})

type argon2idHash struct {
	memory, time uint32
	threads      uint8
	salt, key    []byte
}

func parseArgon2id(s string) (argon2idHash, error) {
	var h argon2idHash
	parts := strings.Split(s, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" || parts[2] != "v="+strconv.Itoa(argon2.Version) {
		return h, ErrBadHash
	}
	var m, t, p uint64
	for _, kv := range strings.Split(parts[3], ",") {
		k, v, ok := strings.Cut(kv, "=")
		n, err := strconv.ParseUint(v, 10, 32)
		if !ok || err != nil {
			return h, ErrBadHash
		}
		switch k {
		case "m":
			m = n
		case "t":
			t = n
		case "p":
			p = n
		default:
			return h, ErrBadHash
		}
	}
	if m == 0 || m > maxArgonMemory || t == 0 || t > maxArgonTime || p == 0 || p > maxArgonThreads || m < 8*p {
		return h, ErrBadHash
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	key, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(salt) < 8 || len(key) < 16 || len(key) > 64 {
		return h, ErrBadHash
	}
	h.memory, h.time, h.threads, h.salt, h.key = uint32(m), uint32(t), uint8(p), salt, key
	return h, nil
}
