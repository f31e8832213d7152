package remindd_test

import (
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/remindd/remindd"

// imports maps each package pkg depends on, directly or indirectly, and pkg
// itself, to the packages it imports, as go list -deps says (the packages,
// not their tests).
func imports(t *testing.T, pkg string) map[string][]string {
	t.Helper()
	goCmd, err := exec.LookPath("go") // go test puts its own first on PATH
	if err != nil {
		t.Fatalf("the go command is needed to list imports: %v", err)
	}
	out, err := exec.Command(goCmd, "list", "-deps", "-f", `{{.ImportPath}} {{join .Imports " "}}`, pkg).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			t.Fatalf("go list -deps %s: %v\n%s", pkg, err, ee.Stderr)
		}
		t.Fatalf("go list -deps %s: %v", pkg, err)
	}
	m := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		f := strings.Fields(line)
		m[f[0]] = f[1:]
	}
	if _, ok := m[pkg]; !ok {
		t.Fatalf("go list -deps %s does not list %[1]s itself:\n%s", pkg, out)
	}
	return m
}

// chain is a shortest import chain from pkg to dep in g, nil when there is
// none.
func chain(g map[string][]string, pkg, dep string) []string {
	from := map[string]string{pkg: ""}
	for queue := []string{pkg}; len(queue) > 0; queue = queue[1:] {
		p := queue[0]
		if p == dep {
			var out []string
			for ; p != ""; p = from[p] {
				out = append([]string{p}, out...)
			}
			return out
		}
		for _, q := range g[p] {
			if _, seen := from[q]; !seen {
				from[q] = p
				queue = append(queue, q)
			}
		}
	}
	return nil
}

// TestImportGraph keeps the layout's promises: the vocabulary at the root
// imports no stage; storage and the enterprise list do not import the rule
// engine, nor, through it, the config, the cron parser and the holiday
// tables; channels do not import the rule engine; rendering does not import
// channels; the rule engine does not import channels, rendering, storage or
// the daemon; personal links need nothing but the vocabulary; the web desk
// does not deliver (no channels, no daemon), and only the daemon and the
// commands serve it; the browser that tests drive is in no program.
func TestImportGraph(t *testing.T) {
	var (
		rules    = module + "/schedule"
		config   = module + "/config"
		workday  = module + "/workday"
		cron     = "github.com/robfig/cron/v3"
		holidays = "github.com/6tail/lunar-go/HolidayUtil"
		store    = module + "/store"
		notify   = module + "/notify"
		render   = module + "/render"
		roster   = module + "/roster"
		daemon   = module + "/daemon"
		link     = module + "/link"
		web      = module + "/web"
		chromedp = "github.com/chromedp/chromedp"
		ruleDeps = []string{rules, config, workday, cron, holidays}
	)
	for _, tc := range []struct {
		pkg   string
		never []string
	}{
		{module, append(ruleDeps, store, notify, render, roster, daemon, web)},
		{store, append(ruleDeps, web)},
		{roster, append(ruleDeps, web)},
		{notify, []string{rules, store, daemon, web}},
		{render, []string{notify, rules, config, store, daemon, web}},
		{rules, []string{store, notify, render, roster, daemon, web}},
		{link, append(ruleDeps, store, notify, render, roster, daemon, web)},
		{web, []string{notify, daemon, chromedp}},
		{daemon, []string{chromedp}},
	} {
		g := imports(t, tc.pkg)
		for _, dep := range tc.never {
			if c := chain(g, tc.pkg, dep); c != nil {
				t.Errorf("%s depends on %s: %s", tc.pkg, dep, strings.Join(c, " → "))
			}
		}
	}
}
