package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/plan"
)

// writeConfig writes body, after a line naming the shipped plan, as a
// config file and returns its path; line 2 of the file is body's first.
func writeConfig(t *testing.T, body string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.yaml")
	src := "plan: " + filepath.Join(mustAbs(t, ".."), "plans", "jinjiang-2024.yaml") + "\n" + body
	if err := os.WriteFile(path, []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func loadErr(t *testing.T, body string) (path string, err error) {
	t.Helper()
	path = writeConfig(t, body)
	_, err = config.Load(path)
	return path, err
}

// TestNumbersAreWholeOrRefused: counts in the config are whole numbers, and
// a number written as zero is kept for validation, not replaced by its
// default.
func TestNumbersAreWholeOrRefused(t *testing.T) {
	cases := []struct {
		name, body, want string // want: after "PATH:"
	}{
		{"fraction among lead days", "rules:\n  lead_days: [7, 3, 1.5, 0]\n",
			"3: rules.lead_days[2]: 1.5 is not a whole number"},
		{"fraction of overdue days", "rules:\n  overdue_every_days: 6.5\n",
			"3: rules.overdue_every_days: 6.5 is not a whole number"},
		{"octal batch", "delivery:\n  batch: 010\n",
			"3: delivery.batch: 010 is not a plain decimal number (YAML reads it as 8)"},
		{"fraction of a port", "channels:\n  - {name: m, type: email, host: h, from: a@example.gov.cn, port: 587.5}\n",
			"3: channels[0].port: 587.5 is not a whole number"},
		{"overdue every 0 days is not 7", "rules:\n  overdue_every_days: 0\n",
			"3: rules.overdue_every_days: overdue interval must be at least 1 day"},
		{"zero attempts are not 8", "delivery:\n  max_attempts: 0\n",
			"2: delivery: max_attempts and batch must be at least 1"},
		{"port 0 is not 587", "channels:\n  - {name: m, type: email, host: h, from: a@example.gov.cn, port: 0}\n",
			"3: channels[0].port: port 0 outside 1–65535"},
		{"timeout 0s is not 15s", "channels:\n  - {name: m, type: email, host: h, from: a@example.gov.cn, timeout: 0s}\n",
			"3: channels[0].timeout: timeout must be positive"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			path, err := loadErr(t, tc.body)
			if err == nil || !strings.Contains(err.Error(), path+":"+tc.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s:%s", err, path, tc.want)
			}
		})
	}
}

func TestCatchUpWindow(t *testing.T) {
	for _, tc := range []struct {
		body string
		want time.Duration
		err  string
	}{
		{"", 7 * 24 * time.Hour, ""}, // left out: the default
		{"catch_up: 1m\n", time.Minute, ""},
		{"catch_up: 366d\n", 366 * 24 * time.Hour, ""},
		{"catch_up: 0s\n", 0, "2: catch_up: catch-up window 0s is under a minute"},
		{"catch_up: 0d\n", 0, "2: catch_up: catch-up window 0s is under a minute"},
		{"catch_up: 30s\n", 0, "2: catch_up: catch-up window 30s is under a minute"},
		{"catch_up: 367d\n", 0, "2: catch_up: catch-up window 8808h0m0s is over 366 days"},
		{"catch_up: 36500d\n", 0, "2: catch_up: catch-up window 876000h0m0s is over 366 days"},
	} {
		t.Run(tc.body, func(t *testing.T) {
			path := writeConfig(t, tc.body)
			c, err := config.Load(path)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), path+":"+tc.err) {
					t.Errorf("error:\n%v\nwant it to contain:\n%s:%s", err, path, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := time.Duration(c.CatchUp); got != tc.want {
				t.Errorf("catch-up %v, want %v", got, tc.want)
			}
		})
	}
}

func TestParseSpecTakesFiveFieldsOnly(t *testing.T) {
	for _, tc := range []struct{ spec, want string }{
		{"@every 1h", "descriptors such as @daily or @every are not accepted: write five fields, minute first"},
		{"@daily", "descriptors such as @daily or @every are not accepted"},
		{"@yearly", "descriptors such as @daily or @every are not accepted"},
		{" @hourly", "descriptors such as @daily or @every are not accepted"},
		{"CRON_TZ=UTC 0 9 * * *", "a time zone prefix is not accepted: jobs run in the plan's time zone"},
		{"TZ=UTC 0 9 * * *", "a time zone prefix is not accepted"},
		{"0 0 9 * * *", "must have five fields"},
	} {
		if _, err := config.ParseSpec(tc.spec); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseSpec(%q) = %v, want %q", tc.spec, err, tc.want)
		}
	}
	if _, err := config.ParseSpec("0 9 * * 1-5"); err != nil {
		t.Error(err)
	}
}

// TestJobsMustFireOnThePlansDays: a spec that is valid cron but never
// matches, or matches only outside the plan's days, is refused against the
// plan.
func TestJobsMustFireOnThePlansDays(t *testing.T) {
	for _, tc := range []struct {
		spec string
		ok   bool
	}{
		{"0 9 30 2 *", false}, // 30 February
		{"0 9 31 4 *", false}, // 31 April
		{"0 9 29 2 *", true},  // 2024 is a leap year
		{"0 9 1 1 *", true},   // 1 January, the plan's first day
		{"59 23 5 1 *", true}, // 5 January 2025 23:59, the plan's last minute
		{"0 9 6 1 1", true},   // day 6 or a Monday: Mondays fire
		{"0 9 30 2 1", true},  // day 30 or a Monday (cron's OR): Mondays
		{"* * * * *", true},
	} {
		t.Run(tc.spec, func(t *testing.T) {
			path := writeConfig(t, "jobs:\n  digest: \""+tc.spec+"\"\n")
			c, err := config.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			p, err := plan.Load(c.PlanPath())
			if err != nil {
				t.Fatal(err)
			}
			err = c.CheckPlan(p, func(int) bool { return true })
			if tc.ok {
				if err != nil {
					t.Errorf("refused: %v", err)
				}
				return
			}
			want := path + `:3: jobs.digest: cron spec "` + tc.spec + `" never fires on the plan's days, 2024-01-01 to 2025-01-05 (in Asia/Shanghai)`
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, want)
			}
		})
	}
}

func TestStorePassword(t *testing.T) {
	t.Setenv("REMINDD_TEST_STORE_PW", "s3cr:et@/pw")
	t.Setenv("REMINDD_TEST_EMPTY", "")
	dir := t.TempDir()
	pwFile := filepath.Join(dir, "db-password")
	if err := os.WriteFile(pwFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	emptyFile := filepath.Join(dir, "empty")
	if err := os.WriteFile(emptyFile, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	const dsn = `store: "mysql:remindd@tcp(db.example:3306)/remindd?parseTime=true&timeout=5s"` + "\n"
	refused := []struct{ name, body, want string }{
		{"inline password", `store: "mysql:remindd:hunter2@tcp(db.example:3306)/remindd"` + "\n",
			"2: store: a password is not written in the config: leave it out of the DSN and use store_password_env or store_password_file"},
		{"DSN the driver refuses", `store: "mysql:remindd@tcp(db.example:3306"` + "\n",
			"2: store: the MySQL driver refuses the DSN: invalid DSN: missing the slash separating the database name"},
		{"unset variable", dsn + "store_password_env: REMINDD_TEST_UNSET_PW\n",
			"3: store_password_env: store password from environment variable REMINDD_TEST_UNSET_PW: not set"},
		{"empty variable", dsn + "store_password_env: REMINDD_TEST_EMPTY\n",
			"3: store_password_env: store password from environment variable REMINDD_TEST_EMPTY: not set"},
		{"missing file", dsn + "store_password_file: no-such-file\n",
			"3: store_password_file: store password from file " + "DIR/no-such-file: no such file or directory"},
		{"empty file", dsn + "store_password_file: " + emptyFile + "\n",
			"3: store_password_file: store password from file " + emptyFile + " is empty"},
		{"both", dsn + "store_password_env: REMINDD_TEST_STORE_PW\nstore_password_file: " + pwFile + "\n",
			"3: store_password_env: give store_password_env or store_password_file, not both"},
		{"sqlite", "store: sqlite:x.db\nstore_password_env: REMINDD_TEST_STORE_PW\n",
			"3: store_password_env: a sqlite store has no password"},
		{"no user", `store: "mysql:tcp(db.example:3306)/remindd"` + "\nstore_password_env: REMINDD_TEST_STORE_PW\n",
			"3: store_password_env: the store's DSN names no user for the password"},
	}
	for _, tc := range refused {
		t.Run(tc.name, func(t *testing.T) {
			path, err := loadErr(t, tc.body)
			want := path + ":" + strings.ReplaceAll(tc.want, "DIR", filepath.Dir(path))
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, want)
			}
			if err != nil && (strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "s3cr:et")) {
				t.Errorf("error shows the password: %v", err)
			}
		})
	}

	for _, tc := range []struct{ name, body, password string }{
		{"from the environment", dsn + "store_password_env: REMINDD_TEST_STORE_PW\n", "s3cr:et@/pw"},
		{"from a file", dsn + "store_password_file: " + pwFile + "\n", "from-file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, err := config.Load(writeConfig(t, tc.body))
			if err != nil {
				t.Fatal(err)
			}
			addr := c.OpenAddress(c.Store)
			got, err := mysql.ParseDSN(strings.TrimPrefix(addr, "mysql:"))
			if err != nil {
				t.Fatal(err)
			}
			want, _ := mysql.ParseDSN(strings.TrimPrefix(c.Store, "mysql:"))
			want.Passwd = tc.password
			if got.FormatDSN() != want.FormatDSN() || got.Passwd != tc.password || got.Timeout != 5*time.Second || !got.ParseTime {
				t.Errorf("open address %s, want the store's DSN with the password", got.FormatDSN())
			}
			if strings.Contains(c.Store, tc.password) {
				t.Errorf("the config's store %q holds the password", c.Store)
			}
			if masked := config.MaskStore(addr); strings.Contains(masked, tc.password) || !strings.Contains(masked, "remindd:****@tcp(db.example:3306)/remindd") {
				t.Errorf("masked %s", masked)
			}
			if s := strings.Join([]string{c.Store, config.MaskStore(c.Store)}, " "); strings.Contains(s, tc.password) {
				t.Errorf("printed store shows the password: %s", s)
			}
		})
	}

	c, err := config.Load(writeConfig(t, "store: sqlite:x.db\n"))
	if err != nil {
		t.Fatal(err)
	}
	if got := c.OpenAddress("mysql:root@tcp(127.0.0.1:3306)/x"); got != "mysql:root@tcp(127.0.0.1:3306)/x" {
		t.Errorf("no password configured: open address %s", got)
	}
	if !config.StoreHasPassword("mysql:u:p@tcp(h)/d") || config.StoreHasPassword("mysql:u@tcp(h)/d") || config.StoreHasPassword("sqlite:a:b@c") {
		t.Error("StoreHasPassword")
	}
}

func TestCheckFolders(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ name, dir, want string }{
		{"existing folder", dir, ""},
		{"folder to be created", filepath.Join(dir, "new", "outbox"), ""},
		{"under a file", filepath.Join(file, "outbox"), "3: channels[0].dir: file channel out cannot write its folder: " + file + " is not a folder"},
		{"a file", file, "3: channels[0].dir: file channel out cannot write its folder: " + file + " is not a folder"},
		{"in /proc", "/proc/remindd-outbox", "3: channels[0].dir: file channel out cannot write its folder: open /proc/.remindd-check-"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := writeConfig(t, "channels:\n  - {name: out, type: file, dir: "+tc.dir+"}\n")
			c, err := config.Load(path)
			if err != nil {
				t.Fatal(err)
			}
			err = c.CheckFolders()
			if tc.want == "" {
				if err != nil {
					t.Error(err)
				}
			} else if err == nil || !strings.Contains(err.Error(), path+":"+tc.want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s:%s", err, path, tc.want)
			}
		})
	}
	left, err := filepath.Glob(filepath.Join(dir, ".remindd-check-*"))
	if err != nil || len(left) > 0 || exists(filepath.Join(dir, "new")) {
		t.Errorf("the check left files behind: %v %v", left, err)
	}
}

func exists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
