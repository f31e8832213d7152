// Package link mints and opens personal links: tokens that open one
// recipient's page of the web desk (a section's or an enterprise's) and
// nothing else, until they expire.
//
// A token is base64url (no padding) of
//
//	version (1 byte) | key id (4) | expiry, Unix seconds (8) | kind (1) | id | MAC (16)
//
// where the MAC is HMAC-SHA256, cut to 128 bits, keyed by the secret the key
// id names, over the word "remindd-link" and everything before it. The
// version and key id come first so that a new key, or a new format, does not
// kill the links already in mailboxes: old keys keep opening their links
// during a rotation (Grafana#42334). Nothing in a token is secret, and
// nothing but the MAC makes it valid.
package link

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/remindd/remindd"
)

// Version is the token format minted.
const Version = 1

// Grace is how long after its plan's last day a link still opens, so that
// the year-end report can be answered after the plan ended.
const Grace = 30 * 24 * time.Hour

const (
	macLen    = 16
	headerLen = 1 + 4 + 8 + 1
	maxID     = 64 // longer than any section id or credit code
	purpose   = "remindd-link"
)

// Errors of Open. A page answers ErrTampered with 403 and ErrExpired with
// 410.
var (
	ErrTampered = errors.New("link: not a valid link")
	ErrExpired  = errors.New("link: the link has expired")
)

// Key is one HMAC secret and its id, the first 4 bytes of its SHA-256.
type Key struct {
	id     [4]byte
	secret []byte
}

// NewKey makes a key of secret, which must be at least 32 bytes.
func NewKey(secret []byte) (Key, error) {
	if len(secret) < 32 {
		return Key{}, fmt.Errorf("link: a key needs at least 32 bytes, not %d", len(secret))
	}
	sum := sha256.Sum256(secret)
	k := Key{secret: append([]byte(nil), secret...)}
	copy(k.id[:], sum[:4])
	return k, nil
}

// ID is the key's id in hex, to tell keys apart in logs.
func (k Key) ID() string { return hex.EncodeToString(k.id[:]) }

// LoadKey reads the key at path: 64 hex digits (32 bytes), a line of their
// own. When the file does not exist and create is set, a random key is
// written there first (and its folder created), readable by its owner only
// (0600); an existing file is never overwritten. Processes that create the
// key at once (the daemon and a command, the tests of several packages)
// all read the one that was written first, never a half-written file.
func LoadKey(path string, create bool) (Key, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && create {
		if err := writeKey(path); err != nil {
			return Key{}, err
		}
		data, err = os.ReadFile(path)
	}
	if err != nil {
		return Key{}, fmt.Errorf("link: key %w", err)
	}
	secret, err := hex.DecodeString(strings.TrimSpace(string(data)))
	if err != nil || len(secret) != 32 {
		return Key{}, fmt.Errorf("link: key %s: want 64 hex digits (32 random bytes), such as `openssl rand -hex 32` prints", path)
	}
	return NewKey(secret)
}

// writeKey writes a new random key to path unless a file is there: it
// writes a temporary file beside it and links it into place, which fails
// when another process put its key there first (that one is then read).
func writeKey(path string) error {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return fmt.Errorf("link: new key: %w", err)
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return fmt.Errorf("link: new key %s: %w", path, err)
	}
	f, err := os.CreateTemp(dir, ".remindd-key-*") // 0600
	if err != nil {
		return fmt.Errorf("link: new key %s: %w", path, err)
	}
	tmp := f.Name()
	defer os.Remove(tmp)
	_, err = fmt.Fprintln(f, hex.EncodeToString(secret))
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("link: new key %s: %w", path, err)
	}
	if err := os.Link(tmp, path); err != nil && !errors.Is(err, os.ErrExist) {
		return fmt.Errorf("link: new key %s: %w", path, err)
	}
	return nil
}

// Signer mints links with its first key and opens links of any of its keys.
type Signer struct {
	keys []Key
}

// NewSigner makes a signer: current mints, and it and previous (a key being
// rotated out) open.
func NewSigner(current Key, previous ...Key) *Signer {
	return &Signer{keys: append([]Key{current}, previous...)}
}

// kinds are the recipients that have pages, by their byte in a token.
var kinds = map[byte]string{'s': remindd.KindSection, 'e': remindd.KindEnterprise}

func kindByte(kind string) (byte, bool) {
	for b, k := range kinds {
		if k == kind {
			return b, true
		}
	}
	return 0, false
}

// Mint returns the token of r's page, valid until expires.
func (s *Signer) Mint(r remindd.Recipient, expires time.Time) (string, error) {
	kb, ok := kindByte(r.Kind)
	if !ok {
		return "", fmt.Errorf("link: a %s has no page", r.Kind)
	}
	if r.ID == "" || len(r.ID) > maxID {
		return "", fmt.Errorf("link: recipient id %q must have 1 to %d bytes", r.ID, maxID)
	}
	k := s.keys[0]
	b := make([]byte, headerLen, headerLen+len(r.ID)+macLen)
	b[0] = Version
	copy(b[1:5], k.id[:])
	binary.BigEndian.PutUint64(b[5:13], uint64(expires.Unix()))
	b[13] = kb
	b = append(b, r.ID...)
	b = append(b, mac(k, b)...)
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Open returns the recipient whose page token opens at now: ErrTampered
// when the token is not one this signer's keys made (or not of a known
// version), ErrExpired when it was and its time is over.
func (s *Signer) Open(token string, now time.Time) (remindd.Recipient, error) {
	if len(token) > base64.RawURLEncoding.EncodedLen(headerLen+maxID+macLen) {
		return remindd.Recipient{}, ErrTampered
	}
	// Strict: a token whose last character carries bits the encoding
	// leaves zero is another spelling of the same bytes, and refused as
	// any other change is.
	b, err := base64.RawURLEncoding.Strict().DecodeString(token)
	if err != nil || len(b) < headerLen+1+macLen || b[0] != Version {
		return remindd.Recipient{}, ErrTampered
	}
	body, sum := b[:len(b)-macLen], b[len(b)-macLen:]
	var k *Key
	for i := range s.keys {
		if string(s.keys[i].id[:]) == string(b[1:5]) {
			k = &s.keys[i]
			break
		}
	}
	if k == nil || !hmac.Equal(sum, mac(*k, body)) {
		return remindd.Recipient{}, ErrTampered
	}
	kind, ok := kinds[b[13]]
	if !ok {
		return remindd.Recipient{}, ErrTampered
	}
	expires := int64(binary.BigEndian.Uint64(b[5:13]))
	if now.Unix() > expires {
		return remindd.Recipient{}, ErrExpired
	}
	return remindd.Recipient{Kind: kind, ID: string(body[headerLen:])}, nil
}

// mac is the token's MAC of body under k.
func mac(k Key, body []byte) []byte {
	h := hmac.New(sha256.New, k.secret)
	h.Write([]byte(purpose))
	h.Write(body)
	return h.Sum(nil)[:macLen]
}
