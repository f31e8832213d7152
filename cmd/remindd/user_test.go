package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
	"github.com/remindd/remindd/web"
)

// cliIn is cli with stdin on standard input.
func cliIn(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = runInput(args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// openMigrated opens the store at addr, migrated, closed when the test ends.
func openMigrated(t *testing.T, addr string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func TestUserAdd(t *testing.T) {
	const password = "晋江文旅2024-office"
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			addr := b.Addr(t)
			s := openMigrated(t, addr)
			st := []string{"--config", exampleConfig, "--store", addr}
			code, out, errs := cliIn(t, password+"\n", append([]string{"user", "add", "林主任", "--role", "office"}, st...)...)
			if code != 0 || out != "user 林主任 added: role office\n" {
				t.Fatalf("user add office: exit %d\n%s%s", code, out, errs)
			}
			if strings.Contains(out+errs, password) {
				t.Errorf("the password was printed:\n%s%s", out, errs)
			}
			// A Windows line ending, as a file written on the clerk's PC has.
			code, out, errs = cliIn(t, "section-pass-1\r\n", append([]string{"user", "--role", "section", "add", "陈科长", "--section", "行业管理科"}, st...)...)
			if code != 0 || out != "user 陈科长 added: role section, section industry-mgmt\n" {
				t.Fatalf("user add section: exit %d\n%s%s", code, out, errs)
			}

			ctx := context.Background()
			for _, tc := range []struct {
				name, pw string
				want     remindd.User
			}{
				{"林主任", password, remindd.User{Name: "林主任", Role: remindd.RoleOffice}},
				{"陈科长", "section-pass-1", remindd.User{Name: "陈科长", Role: remindd.RoleSection, Section: "industry-mgmt"}},
			} {
				u, hash, ok, err := s.UserByName(ctx, tc.name)
				if err != nil || !ok {
					t.Fatalf("UserByName(%s) = %v, %v", tc.name, ok, err)
				}
				if u != tc.want {
					t.Errorf("user %s = %+v, want %+v", tc.name, u, tc.want)
				}
				if strings.Contains(hash, tc.pw) || !strings.HasPrefix(hash, "$argon2id$") {
					t.Errorf("user %s: stored hash %q", tc.name, hash)
				}
				if ok, err := web.CheckPassword(hash, tc.pw); !ok || err != nil {
					t.Errorf("user %s: password does not verify against the stored hash: %v, %v", tc.name, ok, err)
				}
				if ok, _ := web.CheckPassword(hash, tc.pw+"\r"); ok {
					t.Errorf("user %s: the line ending is part of the password", tc.name)
				}
			}

			code, _, errs = cliIn(t, "another-password\n", append([]string{"user", "add", "林主任", "--role", "section", "--section", "market-mgmt"}, st...)...)
			if code != 2 || !strings.Contains(errs, `user "林主任" exists already`) {
				t.Errorf("name taken: exit %d, stderr %s", code, errs)
			}
			u, hash, _, err := s.UserByName(ctx, "林主任")
			if err != nil || u.Role != remindd.RoleOffice {
				t.Errorf("the taken name's account changed: %+v, %v", u, err)
			}
			if ok, _ := web.CheckPassword(hash, password); !ok {
				t.Error("the taken name's password changed")
			}
		})
	}
}

func TestUserAddRefuses(t *testing.T) {
	addr := storetest.Backends(t)[0].Addr(t) // SQLite: the checks come before the store
	s := openMigrated(t, addr)
	st := []string{"--config", exampleConfig, "--store", addr}
	for _, tc := range []struct {
		name  string
		stdin string
		args  []string
		want  string
	}{
		{"no password", "", []string{"user", "add", "a", "--role", "office"}, "standard input: the password is empty"},
		{"empty line", "\n", []string{"user", "add", "a", "--role", "office"}, "standard input: the password is empty"},
		{"short password", "1234567\n", []string{"user", "add", "a", "--role", "office"}, "the password has 7 characters: it needs at least 8"},
		{"password too long", strings.Repeat("x", 2000) + "\n", []string{"user", "add", "a", "--role", "office"}, "longer than 256 characters"},
		{"no role", "password-1\n", []string{"user", "add", "a"}, "--role: give --role office or --role section"},
		{"unknown role", "password-1\n", []string{"user", "add", "a", "--role", "admin"}, `--role "admin": want office or section`},
		{"office with section", "password-1\n", []string{"user", "add", "a", "--role", "office", "--section", "industry-mgmt"}, "give no --section with --role office"},
		{"section without section", "password-1\n", []string{"user", "add", "a", "--role", "section"}, "a section account needs --section ID"},
		{"unknown section", "password-1\n", []string{"user", "add", "a", "--role", "section", "--section", "finance"}, `--section "finance": unknown section; the plan has industry-mgmt (行业管理科), market-mgmt`},
		{"no name", "password-1\n", []string{"user", "add", "--role", "office"}, "want user add NAME"},
		{"two names", "password-1\n", []string{"user", "add", "a", "b", "--role", "office"}, "want user add NAME"},
		{"other verb", "password-1\n", []string{"user", "delete", "a"}, "want user add NAME"},
		{"blank name", "password-1\n", []string{"user", "add", "  ", "--role", "office"}, "NAME is blank"},
		{"name with spaces around", "password-1\n", []string{"user", "add", " a", "--role", "office"}, `NAME " a" begins or ends with a space`},
		{"name with escape", "password-1\n", []string{"user", "add", "a\x1b[2J", "--role", "office"}, "NAME: character 2 is U+001B (ESC)"},
		{"name too long", "password-1\n", []string{"user", "add", strings.Repeat("名", 65), "--role", "office"}, "NAME is 65 characters long, at most 64"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := cliIn(t, tc.stdin, append(tc.args, st...)...)
			if code != 2 || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stderr:\n%s\nwant exit 2 and %q", code, errs, tc.want)
			}
			if out != "" {
				t.Errorf("stdout %q", out)
			}
			if strings.TrimSpace(tc.stdin) != "" && strings.Contains(errs, strings.TrimSpace(tc.stdin)) {
				t.Errorf("the password was printed: %s", errs)
			}
		})
	}
	for _, name := range []string{"a", " a", "  "} {
		if _, _, ok, err := s.UserByName(context.Background(), name); ok || err != nil {
			t.Errorf("user %q written by a refused command (%v)", name, err)
		}
	}
}
