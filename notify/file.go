package notify

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/remindd/remindd/render"
)

// fileChannel writes each message as a text file into a folder, named after
// its dedup key: what the README's demo reads in a terminal. A message is
// written to a temporary file and renamed into place, so a crash never
// leaves half a file, and sending the same key again replaces the file.
type fileChannel struct {
	dir string
	// beforeRename, when set (tests), runs on the written temporary file.
	beforeRename func(path string) error
}

func (c *fileChannel) Send(ctx context.Context, batch []render.Message) []error {
	return collect(batch, func(done func(int, error)) { c.sendEach(ctx, batch, done) })
}

func (c *fileChannel) sendEach(ctx context.Context, batch []render.Message, done func(int, error)) {
	if err := os.MkdirAll(c.dir, 0o750); err != nil {
		err = temporary(ClassFile, fmt.Errorf("file channel: %w", err))
		for i := range batch {
			done(i, err)
		}
		return
	}
	for i, m := range batch {
		if err := ctx.Err(); err != nil {
			done(i, temporary(ClassInterrupted, fmt.Errorf("file channel: not sent: %w", err)))
			continue
		}
		if err := c.write(m); err != nil {
			done(i, temporary(ClassFile, fmt.Errorf("file channel: %w", err)))
			continue
		}
		done(i, nil)
	}
}

func (c *fileChannel) write(m render.Message) (err error) {
	f, err := os.CreateTemp(c.dir, ".writing-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	if _, err = f.WriteString(fileContent(m)); err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return err
	}
	if err = f.Close(); err != nil {
		return err
	}
	if err = os.Chmod(tmp, 0o640); err != nil {
		return err
	}
	if c.beforeRename != nil {
		if err = c.beforeRename(tmp); err != nil {
			return err
		}
	}
	return os.Rename(tmp, filepath.Join(c.dir, FileName(m.Key)))
}

// fileContent is the subject, the recipient, a blank line and the text.
func fileContent(m render.Message) string {
	to := oneLine(m.Name)
	if addr := MaskAddress(m.To); addr != "" {
		if to != "" {
			to += " "
		}
		to += "<" + addr + ">"
	}
	text := strings.TrimRight(m.Text, "\n")
	return "Subject: " + oneLine(m.Subject) + "\nTo: " + to + "\n\n" + text + "\n"
}

// FileName is the file a message with this dedup key is written to: the key
// with every character outside letters, digits, dot, dash and plus replaced
// by _, then .txt. A very long key is shortened and given a hash, so that
// names stay unique and within file-system limits.
func FileName(key string) string {
	var b strings.Builder
	for _, r := range key {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '+', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	name := strings.TrimLeft(b.String(), ".")
	if name == "" {
		name = "_"
	}
	if len(name) > 180 {
		sum := sha256.Sum256([]byte(key))
		name = name[:160] + "-" + hex.EncodeToString(sum[:8])
	}
	return name + ".txt"
}
