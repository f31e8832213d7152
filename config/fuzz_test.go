package config_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/internal/yamlfile"
)

// FuzzLoad feeds arbitrary bytes to config.Load as a config file. Load must
// never panic; an error must name the file (every problem in it, with a line
// inside the file); a config it accepts must hold what validation promises:
// a plan, a store address, parseable five-field jobs, sane numbers, and
// contacts and enterprise channels that name defined channels.
func FuzzLoad(f *testing.F) {
	seeds := []string{"../examples/config.yaml", "../testdata/badinput/base/config.yaml"}
	corpus, err := filepath.Glob("../testdata/badinput/config/*/config.yaml")
	if err != nil {
		f.Fatal(err)
	}
	seeds = append(seeds, corpus...)
	for _, name := range seeds {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "config.yaml")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := config.Load(path)
		if err != nil {
			checkNamesFile(t, err, path, data)
			return
		}
		if c.Plan == "" || c.File != path {
			t.Fatalf("accepted config with plan %q, file %q", c.Plan, c.File)
		}
		if _, _, err := config.SplitStore(c.Store); err != nil {
			t.Fatalf("accepted store %q: %v", c.Store, err)
		}
		for _, spec := range []string{c.Jobs.Sweep, c.Jobs.Agenda, c.Jobs.Digest, c.Jobs.Quarterly, c.Jobs.Deliver} {
			if _, err := config.ParseSpec(spec); err != nil {
				t.Fatalf("accepted job spec %q: %v", spec, err)
			}
		}
		if c.CatchUp < config.MinCatchUp || c.CatchUp > config.MaxCatchUp || c.Rules.OverdueEveryDays < 1 || c.Delivery.MaxAttempts < 1 || c.Delivery.Batch < 1 ||
			c.Delivery.BackoffBase <= 0 || c.Delivery.BackoffMax < c.Delivery.BackoffBase || c.Delivery.DrainTimeout <= 0 {
			t.Fatalf("accepted numbers: catch_up %v, rules %+v, delivery %+v", c.CatchUp, c.Rules, c.Delivery)
		}
		if len(c.Rules.LeadDays) == 0 {
			t.Fatalf("accepted no lead days")
		}
		for _, ch := range c.Channels {
			// What Load accepts, notify builds: Spec is its check.
			if _, err := ch.Spec(c.Dir); err != nil {
				t.Fatalf("accepted channel %q that does not build: %v", ch.Name, err)
			}
		}
		for i, d := range c.Rules.LeadDays {
			if d < 0 || d > 60 || (i > 0 && d >= c.Rules.LeadDays[i-1]) {
				t.Fatalf("accepted lead days %v", c.Rules.LeadDays)
			}
		}
		contacts := append([]config.Contact{}, c.Office.Contacts...)
		for _, s := range c.Sections {
			contacts = append(contacts, s.Contacts...)
		}
		for _, ct := range contacts {
			if _, ok := c.Channel(ct.Channel); !ok {
				t.Fatalf("accepted contact on undefined channel %q", ct.Channel)
			}
		}
		for _, name := range []string{c.Enterprises.Email, c.Enterprises.Robot} {
			if _, ok := c.Channel(name); name != "" && !ok {
				t.Fatalf("accepted enterprise channel %q, which is not defined", name)
			}
		}
		if config.StoreHasPassword(c.Store) {
			t.Fatalf("accepted a password in the store's DSN")
		}
		if w := c.Web; w != nil {
			if w.Listen == "" || w.SecretFile == "" || config.CheckBaseURL(w.BaseURL) != nil || strings.HasSuffix(w.BaseURL, "/") ||
				w.SessionTTL < config.MinSessionTTL || w.SessionTTL > config.MaxSessionTTL {
				t.Fatalf("accepted web block %+v", *w)
			}
			for _, o := range w.TrustedOrigins {
				if config.CheckOrigin(o) != nil {
					t.Fatalf("accepted trusted origin %q", o)
				}
			}
		}
		if strings.TrimSpace(c.Office.Name) == "" || config.CheckPhone(c.Office.Phone) != nil {
			t.Fatalf("accepted office %q, phone %q", c.Office.Name, c.Office.Phone)
		}
		for _, ch := range c.Channels {
			if ch.Password != "" || ch.URL != "" || ch.Secret != "" {
				t.Fatalf("accepted an inline secret in channel %q", ch.Name)
			}
		}
	})
}

// checkNamesFile fails t unless err names path, and every file:line:field
// problem in it points at path and a line the file has.
func checkNamesFile(t *testing.T, err error, path string, data []byte) {
	t.Helper()
	if !strings.Contains(err.Error(), path) {
		t.Fatalf("error does not name the file %s: %v", path, err)
	}
	var ps yamlfile.Problems
	if !errors.As(err, &ps) {
		return
	}
	if len(ps) == 0 {
		t.Fatalf("empty problem list as an error: %q", err)
	}
	// YAML breaks lines at \r\n, \r and \n. The YAML library puts a position
	// at the end of the stream on the line after the last one ("---" alone
	// has its empty document on line 2), so that line counts too.
	lines := bytes.Count(data, []byte("\n")) + bytes.Count(data, []byte("\r")) - bytes.Count(data, []byte("\r\n")) + 2
	for _, p := range ps {
		if p.File != path || p.Line < 0 || p.Line > lines || p.Msg == "" {
			t.Fatalf("problem %+v: want file %s, a line in 0–%d and a message", p, path, lines)
		}
	}
}
