package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/remindd/remindd/internal/smtptest"
	"github.com/remindd/remindd/internal/storetest"
)

// checkConfigFile writes a config naming the shipped plan, with store and
// extra lines, and returns its path.
func checkConfigFile(t *testing.T, store, extra string) string {
	t.Helper()
	plan, err := filepath.Abs("../../plans/jinjiang-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "config.yaml")
	body := fmt.Sprintf("plan: %s\nstore: %q\nchannels:\n  - {name: log, type: log}\noffice:\n  contacts: [{channel: log}]\n%s", plan, store, extra)
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCheckConfigBoundsASilentStore: a MySQL that accepts the connection and
// never answers makes check-config fail within its bound, not hang.
func TestCheckConfigBoundsASilentStore(t *testing.T) {
	silent := smtptest.StartSilent(t) // speaks first as MySQL would, and never does
	cfg := checkConfigFile(t, "mysql:root@tcp("+silent.Addr+")/remindd", "")
	var out, errb bytes.Buffer
	a := &app{stdout: &out, stderr: &errb, storeTimeout: 300 * time.Millisecond}
	done := make(chan error, 1)
	go func() { done <- a.checkConfig([]string{"--config", cfg}) }()
	select {
	case err := <-done:
		want := cfg + ":2: store: store did not answer within 300ms"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("check-config: %v\nwant %s", err, want)
		}
		if out.Len() > 0 {
			t.Errorf("stdout of a refused check:\n%s", out.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("check-config still waiting for a silent store after 30 s")
	}
}

// TestStorePasswordIsNeverPrinted opens a MySQL store whose user has a
// password, from store_password_env: migrate and check-config work, and
// neither their output nor a refused login shows the password.
func TestStorePasswordIsNeverPrinted(t *testing.T) {
	var mysqlBackend storetest.Backend
	for _, b := range storetest.Backends(t) {
		if b.Name == "mysql" {
			mysqlBackend = b
		}
	}
	addr := mysqlBackend.Addr(t)
	root, err := mysql.ParseDSN(strings.TrimPrefix(addr, "mysql:"))
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("mysql", root.FormatDSN())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() }) // after the user is dropped
	ctx := context.Background()
	user := "i13_" + strings.TrimPrefix(root.DBName, "remindd_t_")
	const password = "Pw-4-i13:x@y/z"
	for _, q := range []string{
		fmt.Sprintf("CREATE USER '%s'@'%%' IDENTIFIED BY '%s'", user, password),
		fmt.Sprintf("GRANT ALL ON %s.* TO '%s'@'%%'", root.DBName, user),
	} {
		if _, err := admin.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), fmt.Sprintf("DROP USER '%s'@'%%'", user)); err != nil {
			t.Errorf("drop user: %v", err)
		}
	})
	dsn := fmt.Sprintf("mysql:%s@tcp(%s)/%s", user, root.Addr, root.DBName)
	cfg := checkConfigFile(t, dsn, "store_password_env: REMINDD_I13_TEST_STORE_PASSWORD\n")
	noPassword := func(t *testing.T, texts ...string) {
		t.Helper()
		for _, s := range texts {
			if strings.Contains(s, password) || strings.Contains(s, "Pw-4-i13") {
				t.Errorf("output shows the password:\n%s", s)
			}
		}
	}

	t.Setenv("REMINDD_I13_TEST_STORE_PASSWORD", password)
	code, out, errs := cli(t, "check-config", "--config", cfg)
	noPassword(t, out, errs)
	if code != 0 || !strings.Contains(out, "store "+dsn+" (schema version 0 of ") ||
		!strings.Contains(out, "warning: database is not migrated: run remindd migrate") {
		t.Errorf("check-config before migrate: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = cli(t, "migrate", "--config", cfg)
	noPassword(t, out, errs)
	if code != 0 {
		t.Fatalf("migrate with the password from the environment: exit %d\n%s%s", code, out, errs)
	}
	code, out, errs = cli(t, "check-config", "--config", cfg)
	noPassword(t, out, errs)
	if code != 0 || !strings.Contains(out, "store "+dsn+" (schema up to date)") {
		t.Errorf("check-config: exit %d\n%s%s", code, out, errs)
	}
	// --store without a password takes the config's.
	code, out, errs = cli(t, "check-config", "--config", cfg, "--store", dsn)
	noPassword(t, out, errs)
	if code != 0 {
		t.Errorf("check-config --store: exit %d\n%s%s", code, out, errs)
	}

	t.Setenv("REMINDD_I13_TEST_STORE_PASSWORD", "Pw-4-i13-wrong")
	for _, cmd := range []string{"check-config", "migrate"} {
		code, out, errs = cli(t, cmd, "--config", cfg)
		noPassword(t, out, errs)
		if code != 1 || !strings.Contains(errs, "Access denied for user '"+user+"'") {
			t.Errorf("%s with a wrong password: exit %d\n%s%s", cmd, code, out, errs)
		}
	}
}

// TestCheckConfigLeavesANewSQLiteStoreUncreated: check-config reports a
// SQLite file that does not exist yet, and does not create it.
func TestCheckConfigLeavesANewSQLiteStoreUncreated(t *testing.T) {
	db := filepath.Join(t.TempDir(), "var", "remindd.db")
	cfg := checkConfigFile(t, "sqlite:"+db, "")
	code, out, errs := cli(t, "check-config", "--config", cfg)
	if code != 0 || !strings.Contains(out, "warning: store sqlite:"+db+" does not exist yet: remindd migrate creates it") {
		t.Errorf("check-config: exit %d\n%s%s", code, out, errs)
	}
	if _, err := os.Stat(filepath.Dir(db)); !os.IsNotExist(err) {
		t.Errorf("check-config created %s: %v", filepath.Dir(db), err)
	}
}

// TestCheckConfigWebKeys: check-config reads the web desk's keys as run
// does and creates none: a key not created yet is fine where it can be
// created; a key that is not one, a missing previous key or a folder that
// cannot hold the key is refused, naming the config's line and the file.
func TestCheckConfigWebKeys(t *testing.T) {
	store := "sqlite:" + filepath.Join(t.TempDir(), "remindd.db")
	web := func(extra string) string {
		return "web:\n  listen: 127.0.0.1:8080\n  base_url: http://127.0.0.1:8080\n" + extra
	}
	t.Run("a key not created yet is fine, and is not created", func(t *testing.T) {
		key := filepath.Join(t.TempDir(), "var", "web.key")
		cfg := checkConfigFile(t, store, web("  secret_file: "+key+"\n"))
		code, out, errs := cli(t, "check-config", "--config", cfg)
		if code != 0 || !strings.Contains(out, "web desk on 127.0.0.1:8080; messages carry links starting with http://127.0.0.1:8080/r/") {
			t.Errorf("exit %d\n%s%s", code, out, errs)
		}
		if _, err := os.Stat(key); !os.IsNotExist(err) {
			t.Errorf("check-config made the key: %v", err)
		}
	})
	bad := filepath.Join(t.TempDir(), "bad.key")
	if err := os.WriteFile(bad, []byte("0123\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	notDir := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(notDir, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(t.TempDir(), "old.key")
	for _, tc := range []struct{ name, extra, want string }{
		{"not a key", "  secret_file: " + bad + "\n", ":10: web.secret_file: link: key " + bad + ": want 64 hex digits (32 random bytes)"},
		{"previous key missing", "  secret_file: " + filepath.Join(t.TempDir(), "web.key") + "\n  previous_secret_file: " + missing + "\n",
			":11: web.previous_secret_file: link: key open " + missing + ": no such file or directory"},
		{"no folder for the key", "  secret_file: " + filepath.Join(notDir, "web.key") + "\n",
			":10: web.secret_file: link: key open " + filepath.Join(notDir, "web.key") + ": not a directory"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := checkConfigFile(t, store, web(tc.extra))
			code, out, errs := cli(t, "check-config", "--config", cfg)
			if code != 1 || !strings.Contains(errs, cfg+tc.want) || out != "" {
				t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant exit 1 and %s%s", code, out, errs, cfg, tc.want)
			}
		})
	}
}
