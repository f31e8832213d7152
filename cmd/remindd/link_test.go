package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/daemon"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/schedule"
)

var printedLinkRE = regexp.MustCompile(`^http://127\.0\.0\.1:8080/r/([A-Za-z0-9_-]+)\n$`)

// openPrinted opens the token of a link `remindd link` printed, with the
// config's keys, on 24 May 2024.
func openPrinted(t *testing.T, cfg, out string) remindd.Recipient {
	t.Helper()
	m := printedLinkRE.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("printed %q, want the link alone on a line", out)
	}
	c, err := config.Load(cfg)
	if err != nil {
		t.Fatal(err)
	}
	s, err := daemon.Signer(c, false)
	if err != nil {
		t.Fatal(err)
	}
	who, err := s.Open(m[1], time.Date(2024, 5, 24, 9, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	return who
}

// TestLinkIsTheOneMessagesCarry: `remindd link --section` prints, on a line
// of its own, the link the section's messages carry, which opens its page;
// on a fresh clone it creates the key, and prints the same link again.
func TestLinkIsTheOneMessagesCarry(t *testing.T) {
	cfg := tempConfig(t)
	code, out, errs := cli(t, "link", "--section", "industry-mgmt", "--config", cfg)
	if code != 0 || errs != "" {
		t.Fatalf("link: exit %d: %s", code, errs)
	}
	if who := openPrinted(t, cfg, out); who != (remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}) {
		t.Errorf("the link opens %v", who)
	}
	if _, again, _ := cli(t, "link", "--section", "industry-mgmt", "--config", cfg); again != out {
		t.Errorf("printed %q, then %q", out, again)
	}
	if _, other, _ := cli(t, "link", "--section", "market-mgmt", "--config", cfg); other == out {
		t.Error("two sections have the same link")
	}

	for _, args := range [][]string{{"migrate"}, {"tick", "--at", "2024-05-24T09:00:00+08:00"}} {
		if code, _, errs := cli(t, append(args, "--config", cfg)...); code != 0 {
			t.Fatalf("%s: exit %d: %s", args[0], code, errs)
		}
	}
	key := schedule.Key(remindd.Daily, remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}, "2024-05-24", "outbox", "industry-mgmt@example.gov.cn")
	b, err := os.ReadFile(filepath.Join(filepath.Dir(cfg), "outbox", notify.FileName(key)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(b), "\n"+out) {
		t.Errorf("the morning message lacks the printed link %s:\n%s", out, b)
	}
}

func TestLinkOfAnEnterprise(t *testing.T) {
	const code = "913505826402668510" // 晋江市榕溪景区管理有限公司
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			cfg, addr := tempConfig(t), b.Addr(t)
			st := []string{"--config", cfg, "--store", addr}
			if c, _, errs := cli(t, append([]string{"link", "--enterprise", code}, st...)...); c == 0 || !strings.Contains(errs, "not migrated") && !strings.Contains(errs, "schema") {
				t.Errorf("before migrate: exit %d: %s", c, errs)
			}
			for _, args := range [][]string{{"migrate"}, {"enterprises", "import", "../../examples/enterprises.csv"}} {
				if c, _, errs := cli(t, append(args, st...)...); c != 0 {
					t.Fatalf("%s: exit %d: %s", args[0], c, errs)
				}
			}
			c, out, errs := cli(t, append([]string{"link", "--enterprise", code}, st...)...)
			if c != 0 {
				t.Fatalf("exit %d: %s", c, errs)
			}
			if who := openPrinted(t, cfg, out); who != (remindd.Recipient{Kind: remindd.KindEnterprise, ID: code}) {
				t.Errorf("the link opens %v", who)
			}
			c, out, errs = cli(t, append([]string{"link", "--enterprise", "91350582MA46NJB58X"}, st...)...)
			if c != 2 || out != "" || !strings.Contains(errs, `remindd link: --enterprise "91350582MA46NJB58X": no such enterprise (import it first)`) {
				t.Errorf("unknown enterprise: exit %d, stdout %q, stderr %s", c, out, errs)
			}
		})
	}
}

func TestLinkRefuses(t *testing.T) {
	cfg := tempConfig(t)
	noWeb := filepath.Join(t.TempDir(), "config.yaml")
	body := strings.Split(readFile(t, cfg), "\nweb:\n")[0] + "\n"
	if err := os.WriteFile(noWeb, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"neither", []string{"link", "--config", cfg}, "remindd link: give --section ID or --enterprise CODE"},
		{"both", []string{"link", "--section", "industry-mgmt", "--enterprise", "913505826402668510", "--config", cfg}, "give --section ID or --enterprise CODE"},
		{"unknown section", []string{"link", "--section", "finance", "--config", cfg}, `remindd link: --section "finance": unknown section`},
		{"the office has the desk, not a link", []string{"link", "--section", "office", "--config", cfg}, `--section "office": unknown section`},
		{"a credit code too long", []string{"link", "--enterprise", strings.Repeat("9", 19), "--config", cfg}, "--enterprise is 19 characters long, at most 18"},
		{"an argument", []string{"link", "industry-mgmt", "--config", cfg}, `unexpected argument "industry-mgmt"`},
		{"no web block", []string{"link", "--section", "industry-mgmt", "--config", noWeb},
			"remindd link: " + noWeb + " has no web block: there is no desk, and messages carry no link"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, out, errs := cli(t, tc.args...)
			if code != 2 || out != "" || !strings.Contains(errs, tc.want) {
				t.Errorf("exit %d, stdout %q, stderr:\n%s\nwant exit 2 and %q", code, out, errs, tc.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(filepath.Dir(noWeb), "web.key")); !os.IsNotExist(err) {
		t.Errorf("a key was made: %v", err)
	}
	if code, out, _ := cli(t, "help"); code != 0 || !strings.Contains(out, "  link          link (--section ID | --enterprise CODE): print a recipient's personal link") {
		t.Errorf("help: exit %d:\n%s", code, out)
	}
}
