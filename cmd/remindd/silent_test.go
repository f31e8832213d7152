package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/remindd/remindd/internal/smtptest"
)

// TestStoreCommandsEndOnASilentMySQL is issue 13's acceptance for its
// sixth finding: migrate (and done) against a MySQL that accepts the
// connection and never answers end, with the default timeouts, within 30 s
// (in 10 s), exit 1, and say which server did not answer, without the
// password.
func TestStoreCommandsEndOnASilentMySQL(t *testing.T) {
	addr := smtptest.StartSilent(t).Addr // never greets, as a hung MySQL
	store := "mysql:root@tcp(" + addr + ")/x"
	// The password comes from the config's file, as a --store never holds
	// one, and must not be printed either.
	dir := t.TempDir()
	plan, err := filepath.Abs("../../plans/jinjiang-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	config := filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(filepath.Join(dir, "db-password"), []byte("s3cret-pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(config, []byte("plan: "+plan+"\nstore: \"mysql:root@tcp(127.0.0.1:9)/never\"\nstore_password_file: db-password\n"+
		"channels:\n  - {name: log, type: log}\nsections:\n  - id: market-mgmt\n    contacts: [{channel: log}]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, args := range [][]string{
		{"migrate"},
		{"done", "--task", "44", "--section", "market-mgmt"},
	} {
		t.Run(args[0], func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			code, out, errs := cli(t, append(args, "--config", config, "--store", store)...)
			if took := time.Since(start); took > 30*time.Second {
				t.Errorf("took %s, more than 30 s", took)
			}
			want := "remindd " + args[0] + ": store: open mysql root@" + addr + "/x: the MySQL server at " + addr + " did not answer within 10s"
			if code != 1 || !strings.Contains(errs, want) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit 1 and %q", code, out, errs, want)
			}
			if strings.Contains(errs, "s3cret") {
				t.Errorf("stderr shows the password: %s", errs)
			}
		})
	}
}
