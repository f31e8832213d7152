package main

import (
	"bufio"
	"context"
	"fmt"
	"github.com/remindd/remindd"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// badInputDir is the bad-input corpus: testdata/badinput/KIND/NAME/case.txt,
// with the case's input files beside it. See its README.md.
const badInputDir = "../../testdata/badinput"

// badCase is one refused input: a command line, the exit code it must give,
// what stderr must say, and what it must not.
type badCase struct {
	name   string // KIND/NAME
	dir    string // the case's folder, absolute
	args   []string
	exit   int
	stderr []string // each must appear in stderr
	absent []string // none may appear in stderr
	skip   string   // a known bug: the case is skipped, naming it
}

// TestBadInputCorpus runs every case of the corpus on each backend, against
// a store seeded with enterprises, a completion and its event, an
// achievement, notifications, job runs and a desk account, and checks that
// the command is refused with the expected exit code and message and that
// no table changed (every table the store has). Cases marked "skip: bug"
// run too when REMINDD_BADINPUT_SKIPPED=1, to check a fix.
func TestBadInputCorpus(t *testing.T) {
	cases := readBadInputs(t)
	root, corpus, baseConfig := badInputPaths(t)
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			addr := b.Addr(t)
			seedBadInputStore(t, addr, baseConfig, root)
			s, err := store.Open(context.Background(), addr)
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			before := storetest.Dump(t, s)
			for table, rows := range before {
				// Only the desk writes sessions and login failures: a row
				// a command wrote there still shows in the diff.
				if len(rows) == 0 && table != "sessions" && table != "login_failures" {
					t.Fatalf("seeded %s store has no %s: the check that nothing is written would miss updates", b.Name, table)
				}
			}
			for _, c := range cases {
				t.Run(c.name, func(t *testing.T) {
					if c.skip != "" && os.Getenv("REMINDD_BADINPUT_SKIPPED") != "1" {
						t.Skip("bug: " + c.skip)
					}
					vars := strings.NewReplacer("{dir}", c.dir, "{store}", addr, "{config}", baseConfig,
						"{root}", root, "{corpus}", corpus)
					args := make([]string, len(c.args))
					for i, a := range c.args {
						args[i] = vars.Replace(a)
					}
					code, out, errs := cli(t, args...)
					if code != c.exit {
						t.Errorf("exit %d, want %d", code, c.exit)
					}
					for _, w := range c.stderr {
						if w := vars.Replace(w); !strings.Contains(errs, w) {
							t.Errorf("stderr lacks %q", w)
						}
					}
					for _, w := range c.absent {
						if w := vars.Replace(w); strings.Contains(errs, w) {
							t.Errorf("stderr shows %q", w)
						}
					}
					if out != "" {
						t.Errorf("a refused command printed to stdout:\n%s", out)
					}
					if t.Failed() {
						t.Logf("remindd %s\nstderr:\n%s", strings.Join(args, " "), errs)
					}
					after := storetest.Dump(t, s)
					if diff := cmp.Diff(before, after); diff != "" {
						t.Errorf("the store changed (-before +after):\n%s", diff)
						before = after // report the write here only, not in every later case
					}
				})
			}
		})
	}
}

// TestBadInputCorpusBase checks the corpus' base files are valid and its
// size: each plan case is the base plan with one thing broken, CLI and CSV
// cases run with the base config, and the http cases (which the web
// package runs) are counted with the others.
func TestBadInputCorpusBase(t *testing.T) {
	_, corpus, baseConfig := badInputPaths(t)
	if code, _, errs := cli(t, "plan", "validate", filepath.Join(corpus, "base", "plan.yaml")); code != 0 {
		t.Errorf("base plan: exit %d\n%s", code, errs)
	}
	// The base config's store is a closed port: check-config, which checks
	// that the store answers, is given one that does not exist yet.
	if code, _, errs := cli(t, "check-config", "--config", baseConfig, "--store", "sqlite:"+filepath.Join(t.TempDir(), "remindd.db")); code != 0 {
		t.Errorf("base config: exit %d\n%s", code, errs)
	}
	kinds := map[string]int{}
	for _, c := range readBadInputs(t) {
		kinds[strings.Split(c.name, "/")[0]]++
	}
	// The web package runs the http cases; each is a folder with its
	// case.txt.
	https, err := filepath.Glob(filepath.Join(corpus, "http", "*", "case.txt"))
	if err != nil {
		t.Fatal(err)
	}
	kinds["http"] = len(https)
	want := map[string]int{"plan": 18, "config": 16, "csv": 14, "cli": 12, "http": 40}
	total := 0
	for kind, n := range kinds {
		if n < want[kind] {
			t.Errorf("%d %s cases, want at least %d", n, kind, want[kind])
		}
		total += n
	}
	if len(kinds) != len(want) || total < 100 {
		t.Errorf("cases per kind %v (%d in all), want kinds %v and at least 100", kinds, total, want)
	}
}

// badInputPaths returns the repository root, the corpus and its base config,
// absolute, so that file names in messages are the ones the cases expect.
func badInputPaths(t *testing.T) (root, corpus, baseConfig string) {
	t.Helper()
	corpus, err := filepath.Abs(badInputDir)
	if err != nil {
		t.Fatal(err)
	}
	return filepath.Dir(filepath.Dir(corpus)), corpus, filepath.Join(corpus, "base", "config.yaml")
}

// seedBadInputStore migrates the store at addr and gives every table the
// commands write rows, through the command line as an operator would.
func seedBadInputStore(t *testing.T, addr, config, root string) {
	t.Helper()
	for _, args := range [][]string{
		{"migrate"},
		{"enterprises", "import", filepath.Join(root, "examples", "enterprises.csv")},
		{"done", "--task", "44", "--section", "industry-mgmt", "--at", "2024-05-20T10:00:00+08:00", "--by", "张三"},
		{"achieve", "--sector", "tourism", "--metric", "demo_post", "--name", "某酒店党员模范岗", "--kind", "党员模范岗", "--at", "2024-05-15"},
		{"figures", "import", filepath.Join(root, "testdata", "badinput", "base", "figures.csv")},
		{"tick", "--at", "2024-05-24T09:00:00+08:00", "--log-level", "error"},
	} {
		code, _, errs := cli(t, append(args, "--config", config, "--store", addr)...)
		if code != 0 {
			t.Fatalf("seed: remindd %s: exit %d\n%s", strings.Join(args, " "), code, errs)
		}
	}
	if code, _, errs := cliIn(t, "office-password-1\n", "user", "add", "林主任", "--role", "office", "--config", config, "--store", addr); code != 0 {
		t.Fatalf("seed: remindd user add: exit %d\n%s", code, errs)
	}
	// A section's month marked sent: the desk's doing, no command's.
	s, err := store.Open(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.MarkMonthlyReport(context.Background(), "jinjiang-2024", remindd.MonthlyReport{Section: "market-mgmt", Month: "2024-04",
		By: "林科长", Source: remindd.SourceDesk, At: time.Date(2024, 5, 2, 10, 0, 0, 0, time.UTC)}); err != nil {
		t.Fatal(err)
	}
}

// readBadInputs reads every case of the corpus, sorted by name.
func readBadInputs(t *testing.T) []badCase {
	t.Helper()
	_, corpus, _ := badInputPaths(t)
	kinds, err := os.ReadDir(corpus)
	if err != nil {
		t.Fatal(err)
	}
	var cases []badCase
	for _, kind := range kinds {
		// The web package runs the http cases (web/badinput_http_test.go).
		if !kind.IsDir() || kind.Name() == "base" || kind.Name() == "http" {
			continue
		}
		names, err := os.ReadDir(filepath.Join(corpus, kind.Name()))
		if err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			if !name.IsDir() {
				t.Errorf("%s/%s: want one folder per case", kind.Name(), name.Name())
				continue
			}
			dir := filepath.Join(corpus, kind.Name(), name.Name())
			c, err := readBadInput(filepath.Join(dir, "case.txt"))
			if err != nil {
				t.Error(err)
				continue
			}
			c.name, c.dir = kind.Name()+"/"+name.Name(), dir
			cases = append(cases, c)
		}
	}
	sort.Slice(cases, func(i, j int) bool { return cases[i].name < cases[j].name })
	if len(cases) == 0 {
		t.Fatalf("no cases in %s", corpus)
	}
	return cases
}

// readBadInput parses a case.txt: "key: value" lines (args, exit, stderr,
// absent, skip); blank lines and lines starting with # are ignored.
func readBadInput(path string) (badCase, error) {
	f, err := os.Open(path)
	if err != nil {
		return badCase{}, err
	}
	defer f.Close()
	var c badCase
	haveArgs, haveExit := false, false
	sc := bufio.NewScanner(f)
	for n := 1; sc.Scan(); n++ {
		line := sc.Text()
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, val, ok := strings.Cut(line, ": ")
		if !ok {
			return c, fmt.Errorf("%s:%d: want key: value", path, n)
		}
		switch key {
		case "args":
			if c.args, err = splitArgs(val); err != nil {
				return c, fmt.Errorf("%s:%d: args: %v", path, n, err)
			}
			haveArgs = true
		case "exit":
			if c.exit, err = strconv.Atoi(val); err != nil || c.exit == 0 {
				return c, fmt.Errorf("%s:%d: exit %q: want a non-zero code", path, n, val)
			}
			haveExit = true
		case "stderr":
			c.stderr = append(c.stderr, val)
		case "absent":
			c.absent = append(c.absent, val)
		case "skip":
			c.skip = val
		default:
			return c, fmt.Errorf("%s:%d: unknown key %q (want args, exit, stderr, absent or skip)", path, n, key)
		}
	}
	if err := sc.Err(); err != nil {
		return c, err
	}
	if !haveArgs || !haveExit || len(c.stderr) == 0 {
		return c, fmt.Errorf("%s: want args, exit and at least one stderr line", path)
	}
	return c, nil
}

// splitArgs splits a command line at spaces; double quotes group words (and
// may make an empty argument); there are no escapes.
func splitArgs(s string) ([]string, error) {
	var (
		args   []string
		cur    strings.Builder
		inWord bool
		quoted bool
	)
	for _, r := range s {
		switch {
		case r == '"':
			quoted = !quoted
			inWord = true
		case r == ' ' && !quoted:
			if inWord {
				args = append(args, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(r)
			inWord = true
		}
	}
	if quoted {
		return nil, fmt.Errorf("unclosed quote")
	}
	if inWord {
		args = append(args, cur.String())
	}
	return args, nil
}
