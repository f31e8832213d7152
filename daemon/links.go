package daemon

import (
	"errors"
	"os"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/link"
	"github.com/remindd/remindd/plan"
)

// Links loads the web block's keys and returns the linker of plan p's
// messages, or nil when the config has no web block (no desk, no links).
// The current key is created when missing; the previous one, during a
// rotation, must exist. An error names the config's line and the key file.
func Links(c *config.Config, p *plan.Plan) (*link.Linker, error) {
	s, err := Signer(c, true)
	if err != nil || s == nil {
		return nil, err
	}
	return link.NewLinker(s, c.Web.BaseURL, p), nil
}

// Signer loads the web block's keys, creating the current one when missing
// and create is set: nil when the config has no web block.
func Signer(c *config.Config, create bool) (*link.Signer, error) {
	w := c.Web
	if w == nil {
		return nil, nil
	}
	current, err := link.LoadKey(w.SecretFile, create)
	if err != nil {
		return nil, c.Problem("web.secret_file", err, "web", "secret_file")
	}
	var previous []link.Key
	if w.PreviousSecretFile != "" {
		k, err := link.LoadKey(w.PreviousSecretFile, false)
		if err != nil {
			return nil, c.Problem("web.previous_secret_file", err, "web", "previous_secret_file")
		}
		previous = append(previous, k)
	}
	return link.NewSigner(current, previous...), nil
}

// CheckKeys checks the web block's keys as Links reads them, creating none:
// each must be a key, except a current one not created yet, whose folder
// config.CheckFolders checks instead.
func CheckKeys(c *config.Config) error {
	w := c.Web
	if w == nil {
		return nil
	}
	if _, err := os.Stat(w.SecretFile); errors.Is(err, os.ErrNotExist) {
		if w.PreviousSecretFile == "" {
			return nil
		}
		if _, err := link.LoadKey(w.PreviousSecretFile, false); err != nil {
			return c.Problem("web.previous_secret_file", err, "web", "previous_secret_file")
		}
		return nil
	}
	_, err := Signer(c, false)
	return err
}
