package config_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/plan"
)

func TestExampleConfig(t *testing.T) {
	c, err := config.Load("../examples/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if c.WorkingDays {
		t.Error("the example keeps working days off, as the plan says")
	}
	if time.Duration(c.CatchUp) != 7*24*time.Hour {
		t.Errorf("catch-up %v", time.Duration(c.CatchUp))
	}
	if got := c.PlanPath(); got != filepath.Join("..", "plans", "jinjiang-2024.yaml") {
		t.Errorf("plan path %s", got)
	}
	p, err := plan.Load(c.PlanPath())
	if err != nil {
		t.Fatal(err)
	}
	if err := c.CheckPlan(p, func(int) bool { return true }); err != nil {
		t.Fatal(err)
	}
	if len(c.Sections) != 4 || len(c.Office.Contacts) == 0 {
		t.Errorf("example config should reach the four sections and the office")
	}
}

func TestInvalidConfigs(t *testing.T) {
	base, err := os.ReadFile("../examples/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	src := strings.ReplaceAll(string(base), "../plans/", filepath.Join(mustAbs(t, ".."), "plans")+"/")
	cases := []struct {
		name, old, new, want string
	}{
		{"six-field cron spec", `sweep: "0 9 * * *"`, `sweep: "0 0 9 * * *"`,
			`jobs.sweep: cron spec "0 0 9 * * *" must have five fields (minute hour day month weekday)`},
		{"bad cron field", `digest: "0 9 2 * *"`, `digest: "0 25 2 * *"`, `jobs.digest: bad cron spec "0 25 2 * *"`},
		{"inline password", "  - name: outbox\n",
			"  - {name: smtp, type: email, host: smtp.example.gov.cn, from: a@example.gov.cn, password: hunter2}\n  - name: outbox\n",
			"channels[0].password: secrets are not written in the config: use password_env or password_file"},
		{"unknown channel", "- {channel: outbox, address: office@example.gov.cn}", "- {channel: wechat, address: office@example.gov.cn}",
			`office.contacts[0].channel: unknown channel "wechat"`},
		{"bad address", "address: market-mgmt@example.gov.cn", "address: market-mgmt(at)example.gov.cn",
			`sections[1].contacts[0].address: bad e-mail address "market-mgmt(at)example.gov.cn"`},
		{"bad store", "store: sqlite:../var/remindd.db", "store: postgres:x", `store: store driver "postgres" must be sqlite or mysql`},
		{"lead days out of order", "lead_days: [7, 3, 1, 0]", "lead_days: [3, 7, 1, 0]",
			"rules.lead_days[1]: lead days must be listed from the largest down"},
		{"unknown field", "working_days: false", "workingdays: false", "workingdays: unknown field (did you mean working_days?)"},
		{"bad duration", "catch_up: 7d", "catch_up: a week", `catch_up: "a week" is not a duration`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			edited := strings.Replace(src, tc.old, tc.new, 1)
			if edited == src {
				t.Fatal("edit did not apply")
			}
			path := filepath.Join(t.TempDir(), "config.yaml")
			if err := os.WriteFile(path, []byte(edited), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := config.Load(path)
			if err == nil {
				t.Fatal("config accepted")
			}
			want := path + ":" + strconv.Itoa(lineOf(edited, tc.new)) + ": " + tc.want
			if !strings.Contains(err.Error(), want) {
				t.Errorf("error:\n%v\nwant it to contain:\n%s", err, want)
			}
		})
	}
}

func TestUnknownSectionAgainstThePlan(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "config.yaml")
	body := "plan: " + filepath.Join(mustAbs(t, ".."), "plans", "jinjiang-2024.yaml") + "\n" +
		"channels:\n  - {name: log, type: log}\n" +
		"sections:\n  - id: finance\n    contacts: [{channel: log}]\n"
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	p, err := plan.Load(c.PlanPath())
	if err != nil {
		t.Fatal(err)
	}
	err = c.CheckPlan(p, func(int) bool { return true })
	if err == nil || !strings.Contains(err.Error(), path+":5: sections[0].id: unknown section \"finance\"") {
		t.Errorf("got %v", err)
	}
	c.WorkingDays = true
	err = c.CheckPlan(p, func(y int) bool { return y < 2025 })
	if err == nil || !strings.Contains(err.Error(), "holiday data does not cover 2025") {
		t.Errorf("got %v", err)
	}
}

func lineOf(s, sub string) int {
	i := strings.Index(s, sub)
	return strings.Count(s[:i], "\n") + 1
}

func mustAbs(t *testing.T, p string) string {
	a, err := filepath.Abs(p)
	if err != nil {
		t.Fatal(err)
	}
	return a
}
