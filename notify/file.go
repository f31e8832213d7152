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
// its dedup key: what the README's demo reads in a terminal; its
// attachments (the digest's forms) go beside it. A file is written to a
// temporary file and renamed into place, so a crash never leaves half a
// file, and sending the same key again replaces the files.
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

// write writes m's attachments beside its file (see AttachmentFileName),
// then the message, each whole: the message's file appears once every file
// it names is in place.
func (c *fileChannel) write(m render.Message) error {
	var names []string
	for _, a := range m.Attachments {
		name := AttachmentFileName(m.Key, a.Name)
		if err := c.writeFile(name, a.Data); err != nil {
			return fmt.Errorf("attachment %s: %w", name, err)
		}
		names = append(names, name)
	}
	return c.writeFile(FileName(m.Key), []byte(fileContent(m, names)))
}

// writeFile writes data to the file name of the folder through a
// temporary file renamed into place.
func (c *fileChannel) writeFile(name string, data []byte) (err error) {
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
	if _, err = f.Write(data); err != nil {
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
	return os.Rename(tmp, filepath.Join(c.dir, name))
}

// fileContent is the subject, the recipient, the files of the attachments
// (when it has any), a blank line and the text.
func fileContent(m render.Message, attachments []string) string {
	to := oneLine(m.Name)
	if addr := MaskAddress(m.To); addr != "" {
		if to != "" {
			to += " "
		}
		to += "<" + addr + ">"
	}
	head := "Subject: " + oneLine(m.Subject) + "\nTo: " + to + "\n"
	if len(attachments) > 0 {
		head += "Attachments: " + strings.Join(attachments, ", ") + "\n"
	}
	text := strings.TrimRight(m.Text, "\n")
	return head + "\n" + text + "\n"
}

// AttachmentFileName is the file an attachment of the message with this
// dedup key is written to, beside the message's own (FileName): the
// message's name without .txt, a dot, and the attachment's name made safe
// (no path separator, quote or control character; at most 50 characters).
func AttachmentFileName(key, name string) string {
	return strings.TrimSuffix(FileName(key), ".txt") + "." + attachmentName(name)
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
