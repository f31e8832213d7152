// Package rendertest gives the tests of render and notify the same
// realistic notifications (it does not import render, so that render's own
// tests may use it): the shipped plan under the example config, a
// state with a few enterprises, work done and one failed delivery, and the
// cases the golden files show.
package rendertest

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/link"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/schedule"
)

// Fixture is the shipped plan under the example config.
type Fixture struct {
	Plan   *plan.Plan
	Config *config.Config
	Engine *schedule.Engine
}

var (
	fixtureOnce sync.Once
	fixtureVal  Fixture
	fixtureErr  error
)

// Root is the module's folder.
func Root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..")
}

// Load loads the fixture once per test binary.
func Load(t testing.TB) Fixture {
	t.Helper()
	fixtureOnce.Do(func() {
		c, err := config.Load(filepath.Join(Root(), "examples", "config.yaml"))
		if err != nil {
			fixtureErr = err
			return
		}
		p, err := plan.Load(c.PlanPath())
		if err != nil {
			fixtureErr = err
			return
		}
		fixtureVal = Fixture{Plan: p, Config: c, Engine: schedule.New(p, c)}
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureVal
}

// Linker makes the golden messages' personal links: a fixed key (bytes 0,
// 1, …, 31), the example config's base URL, the plan's expiry; the same
// token for a recipient on every run.
func Linker(t testing.TB) *link.Linker {
	t.Helper()
	f := Load(t)
	secret := make([]byte, 32)
	for i := range secret {
		secret[i] = byte(i)
	}
	k, err := link.NewKey(secret)
	if err != nil {
		t.Fatal(err)
	}
	return link.NewLinker(link.NewSigner(k), f.Config.Web.BaseURL, f.Plan)
}

// Shanghai is the plan's time zone.
var Shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// At9 is 09:00 in Shanghai on a day of 2024.
func At9(month time.Month, day int) time.Time {
	return time.Date(2024, month, day, 9, 0, 0, 0, Shanghai)
}

// Enterprises of the test state, as imported from a CSV.
const (
	Haiyun = "91350582MA46NJB583" // 中等 travel agency, e-mail only
	Rongxi = "913505826402668510" // 规上 scenic area, 消防重点单位, e-mail and WeCom robot
	Xingtu = "91350582MAM4FW675M" // 小微 internet café
)

// State is a realistic snapshot: a few enterprises, some work done by the
// sections and enterprises, some achievements, one failed delivery, two
// reports the office sent back.
func State() *remindd.State {
	s := &remindd.State{
		Enterprises: []remindd.Enterprise{
			{ID: Haiyun, Name: "晋江市海韵国际旅行社有限公司", Sector: "tourism", Size: "中等",
				Contact: "林晓燕", Email: "safety@haiyun-travel.example.com", Active: true},
			{ID: Rongxi, Name: "晋江市榕溪景区管理有限公司", Sector: "tourism", Size: "规上",
				Trades: []string{"消防重点单位"}, Contact: "陈志强", Email: "anquan@rongxi-scenic.example.com",
				Webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=00000000-0000-0000-0000-000000000001", Active: true},
			{ID: Xingtu, Name: "晋江市星途网络会所有限公司", Sector: "culture", Size: "小微",
				Contact: "丁俊杰", Email: "safety@xingtu-net.example.com", Active: true},
		},
		Achievements: []remindd.Achievement{
			{Sector: "tourism", Metric: "demo_post", Name: "导游服务党员模范岗", PostKind: "党员模范岗", Date: plan.Date{Year: 2024, Month: 4, Day: 20}},
			{Sector: "culture", Metric: "certified", Name: "晋江市文化馆", Date: plan.Date{Year: 2024, Month: 5, Day: 10}},
		},
		Failed: []remindd.FailedDelivery{{
			Key: "lead:enterprise:" + Rongxi + ":2024-05-31/d0:wecom-robot", Rule: remindd.Lead,
			Recipient: remindd.Recipient{Kind: remindd.KindEnterprise, ID: Rongxi}, Channel: "wecom-robot",
			LastError: "[robot-key] channel wecom-robot: wecom https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***: " +
				"errcode 93000 (invalid webhook URL: wrong key, or the robot was removed)",
		}, {
			Key: "lead:enterprise:" + Haiyun + ":2024-05-31/d0:outbox", Rule: remindd.Lead,
			Recipient: remindd.Recipient{Kind: remindd.KindEnterprise, ID: Haiyun}, Channel: "mail",
			LastError: "[smtp-connect] channel mail: smtp mail.example.com:587: connect failed: dial tcp 192.0.2.1:587: connect: connection refused",
		}, {
			Key: "overdue:section:market-mgmt:2024-05-29:mail", Rule: remindd.Overdue,
			Recipient: remindd.Recipient{Kind: remindd.KindSection, ID: "market-mgmt"}, Channel: "mail",
			LastError: "[smtp-connect] channel mail: smtp mail.example.com:587: connect failed: dial tcp 192.0.2.1:587: connect: connection refused",
		}, {
			Key: "overdue:section:industry-mgmt:2024-05-29:mail", Rule: remindd.Overdue,
			Recipient: remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}, Channel: "mail",
			LastError: "[smtp-recipient] channel mail: smtp mail.example.com:587: message overdue:…: RCPT TO h***@example.com failed: 550 5.1.1 user unknown",
		}},
		// 行业管理科 marked May's report sent on 31 May.
		MonthlyReports: []remindd.MonthlyReport{{Section: "industry-mgmt", Month: "2024-05", By: "张科长", Source: remindd.SourceLink,
			At: time.Date(2024, 5, 31, 16, 0, 0, 0, Shanghai)}},
	}
	// The office sent two reports back on 2 June (退办).
	s.Returns = []remindd.Return{
		{Event: 101, Task: 44, To: remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}, By: "林主任",
			Reason: "未附小微企业管理达标验收台账和现场照片，请补充后重新报告。", At: time.Date(2024, 6, 2, 15, 30, 0, 0, Shanghai)},
		{Event: 102, Task: 45, To: remindd.Recipient{Kind: remindd.KindEnterprise, ID: Haiyun}, By: "林主任",
			Reason: "示范岗位创建材料不全：缺少岗位职责和考核记录。", At: time.Date(2024, 6, 2, 16, 0, 0, 0, Shanghai)},
	}
	// Done by March: the sections their January and February work, some more.
	for n := 1; n <= 20; n++ {
		for _, sec := range []string{"industry-mgmt", "market-mgmt", "public-culture-arts", "cultural-heritage"} {
			s.Done.Add(n, remindd.Recipient{Kind: remindd.KindSection, ID: sec})
		}
	}
	for n := 21; n <= 31; n++ {
		s.Done.Add(n, remindd.Recipient{Kind: remindd.KindSection, ID: "market-mgmt"})
	}
	for _, n := range []int{4, 5, 14, 21, 22, 23} {
		s.Done.Add(n, remindd.Recipient{Kind: remindd.KindEnterprise, ID: Haiyun})
	}
	return s
}

// Notification evaluates rules at an instant and returns the one with key,
// rule:kind:id:what:channel: its key without the digest of its address.
func Notification(t testing.TB, at time.Time, key string, rules ...remindd.Rule) remindd.Notification {
	t.Helper()
	f := Load(t)
	daily := len(rules) == 1 && rules[0] == remindd.Daily
	if daily {
		rules = []remindd.Rule{remindd.Lead, remindd.Overdue, remindd.Milestone, remindd.Returns, remindd.Reporting}
	}
	ns, err := f.Engine.Evaluate(State(), at, rules...)
	if err != nil {
		t.Fatal(err)
	}
	if daily {
		ns = schedule.Bundle(ns, at, f.Plan.Location)
	}
	var keys []string
	for _, n := range ns {
		if n.Key == key || n.Key == key+":"+schedule.AddressDigest(n.Address) {
			return n
		}
		keys = append(keys, n.Key)
	}
	t.Fatalf("no notification %s at %s; have:\n%s", key, at, strings.Join(keys, "\n"))
	return remindd.Notification{}
}

// Hostile is an enterprise name crafted to break each part of a message.
const Hostile = "<script>alert(1)</script>恶意公司\r\nBcc: x@y **粗体** [链接](http://x) # 标题"

// Case is one realistic notification the golden files show.
type Case struct {
	Name  string
	At    time.Time
	Rules []remindd.Rule
	Key   string
}

// Notification is the case's notification.
func (c Case) Notification(t testing.TB) remindd.Notification {
	t.Helper()
	return Notification(t, c.At, c.Key, c.Rules...)
}

// Cases are the golden cases, one or two per rule.
var Cases = []Case{
	{"lead", At9(time.May, 24), []remindd.Rule{remindd.Lead}, "lead:section:industry-mgmt:2024-05-31/d7:outbox"},
	{"lead-enterprise", At9(time.May, 24), []remindd.Rule{remindd.Lead}, "lead:enterprise:" + Haiyun + ":2024-05-31/d7:outbox"},
	{"overdue", At9(time.May, 24), []remindd.Rule{remindd.Overdue}, "overdue:section:industry-mgmt:2024-05-19:outbox"},
	{"overdue-enterprise", At9(time.May, 24), []remindd.Rule{remindd.Overdue}, "overdue:enterprise:" + Rongxi + ":2024-05-22:outbox"},
	{"milestone", At9(time.May, 24), []remindd.Rule{remindd.Milestone}, "milestone:section:market-mgmt:2024-05-31/d7:outbox"},
	{"agenda", At9(time.June, 1), []remindd.Rule{remindd.Agenda}, "agenda:section:industry-mgmt:2024-06:outbox"},
	{"digest", At9(time.June, 2), []remindd.Rule{remindd.Digest}, "digest:office:office:2024-06:outbox"},
	{"quarterly", At9(time.April, 1), []remindd.Rule{remindd.Quarterly}, "quarterly:enterprise:" + Rongxi + ":2024-Q2:outbox"},
	{"returned", At9(time.June, 3), []remindd.Rule{remindd.Returns}, "returned:section:industry-mgmt:101:outbox"},
	{"returned-enterprise", At9(time.June, 3), []remindd.Rule{remindd.Returns}, "returned:enterprise:" + Haiyun + ":102:outbox"},
	{"daily", At9(time.May, 24), []remindd.Rule{remindd.Daily}, "daily:section:industry-mgmt:2024-05-24:outbox"},
	{"daily-enterprise", At9(time.May, 24), []remindd.Rule{remindd.Daily}, "daily:enterprise:" + Haiyun + ":2024-05-24:outbox"},
	{"daily-returned", At9(time.June, 3), []remindd.Rule{remindd.Daily}, "daily:section:industry-mgmt:2024-06-03:outbox"},
	{"daily-reports", At9(time.May, 31), []remindd.Rule{remindd.Daily}, "daily:section:market-mgmt:2024-05-31:outbox"},
	{"escalate", At9(time.May, 24), []remindd.Rule{remindd.Escalate}, "escalate:section:industry-mgmt:2024-05-19:outbox"},
	{"reporting", At9(time.May, 31), []remindd.Rule{remindd.Reporting}, "reporting:section:market-mgmt:2024-05:outbox"},
	{"agenda-reports", At9(time.June, 1), []remindd.Rule{remindd.Agenda}, "agenda:section:market-mgmt:2024-06:outbox"},
}

// Find is the case of that name.
func Find(t testing.TB, name string) Case {
	t.Helper()
	for _, c := range Cases {
		if c.Name == name {
			return c
		}
	}
	t.Fatalf("no render case %s", name)
	return Case{}
}

// Golden compares got with the file at path, or rewrites it when update
// is set (each test package's -update flag).
func Golden(t *testing.T, path, got string, update bool) {
	t.Helper()
	if update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test with -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}
