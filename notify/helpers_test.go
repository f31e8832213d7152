package notify

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/schedule"
)

var update = flag.Bool("update", false, "rewrite the golden files under testdata/golden")

// fixture is the shipped plan under the example config.
type fixture struct {
	plan   *plan.Plan
	config *config.Config
	engine *schedule.Engine
}

var (
	fixtureOnce sync.Once
	fixtureVal  fixture
	fixtureErr  error
)

func loadFixture(t testing.TB) fixture {
	t.Helper()
	fixtureOnce.Do(func() {
		c, err := config.Load("../examples/config.yaml")
		if err != nil {
			fixtureErr = err
			return
		}
		p, err := plan.Load(c.PlanPath())
		if err != nil {
			fixtureErr = err
			return
		}
		fixtureVal = fixture{plan: p, config: c, engine: schedule.New(p, c)}
	})
	if fixtureErr != nil {
		t.Fatal(fixtureErr)
	}
	return fixtureVal
}

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

// at9 is 09:00 in Shanghai on a day of 2024.
func at9(month time.Month, day int) time.Time {
	return time.Date(2024, month, day, 9, 0, 0, 0, shanghai)
}

// Enterprises of the test state, as imported from a CSV.
const (
	haiyun = "91350582MA46NJB583" // 中等 travel agency, e-mail only
	rongxi = "913505826402668510" // 规上 scenic area, 消防重点单位, e-mail and WeCom robot
	xingtu = "91350582MAM4FW675M" // 小微 internet café
)

// state is a realistic snapshot: a few enterprises, some work done by the
// sections and enterprises, some achievements, one failed delivery.
func state() *remindd.State {
	s := &remindd.State{
		Enterprises: []remindd.Enterprise{
			{ID: haiyun, Name: "晋江市海韵国际旅行社有限公司", Sector: "tourism", Size: "中等",
				Contact: "林晓燕", Email: "safety@haiyun-travel.example.com", Active: true},
			{ID: rongxi, Name: "晋江市榕溪景区管理有限公司", Sector: "tourism", Size: "规上",
				Trades: []string{"消防重点单位"}, Contact: "陈志强", Email: "anquan@rongxi-scenic.example.com",
				Webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=00000000-0000-0000-0000-000000000001", Active: true},
			{ID: xingtu, Name: "晋江市星途网络会所有限公司", Sector: "culture", Size: "小微",
				Contact: "丁俊杰", Email: "safety@xingtu-net.example.com", Active: true},
		},
		Achievements: []remindd.Achievement{
			{Sector: "tourism", Metric: "demo_post", Name: "导游服务党员模范岗", PostKind: "党员模范岗", Date: plan.Date{Year: 2024, Month: 4, Day: 20}},
			{Sector: "culture", Metric: "certified", Name: "晋江市文化馆", Date: plan.Date{Year: 2024, Month: 5, Day: 10}},
		},
		Failed: []remindd.FailedDelivery{{
			Key: "lead:enterprise:" + rongxi + ":2024-05-31/d0:wecom-robot", Rule: remindd.Lead,
			Recipient: remindd.Recipient{Kind: remindd.KindEnterprise, ID: rongxi}, Channel: "wecom-robot",
			LastError: "[robot-key] channel wecom-robot: wecom https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=***: " +
				"errcode 93000 (invalid webhook URL: wrong key, or the robot was removed)",
		}},
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
		s.Done.Add(n, remindd.Recipient{Kind: remindd.KindEnterprise, ID: haiyun})
	}
	return s
}

// notification evaluates rules at an instant and returns the one with key,
// rule:kind:id:what:channel: its key without the digest of its address.
func notification(t testing.TB, at time.Time, key string, rules ...remindd.Rule) remindd.Notification {
	t.Helper()
	f := loadFixture(t)
	ns, err := f.engine.Evaluate(state(), at, rules...)
	if err != nil {
		t.Fatal(err)
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

// renderCase is one realistic notification the golden files show.
type renderCase struct {
	name  string
	at    time.Time
	rules []remindd.Rule
	key   string
}

var renderCases = []renderCase{
	{"lead", at9(time.May, 24), []remindd.Rule{remindd.Lead}, "lead:section:industry-mgmt:2024-05-31/d7:outbox"},
	{"lead-enterprise", at9(time.May, 24), []remindd.Rule{remindd.Lead}, "lead:enterprise:" + haiyun + ":2024-05-31/d7:outbox"},
	{"overdue", at9(time.May, 24), []remindd.Rule{remindd.Overdue}, "overdue:section:industry-mgmt:2024-05-19:outbox"},
	{"overdue-enterprise", at9(time.May, 24), []remindd.Rule{remindd.Overdue}, "overdue:enterprise:" + rongxi + ":2024-05-22:outbox"},
	{"milestone", at9(time.May, 24), []remindd.Rule{remindd.Milestone}, "milestone:section:market-mgmt:2024-05-31/d7:outbox"},
	{"agenda", at9(time.June, 1), []remindd.Rule{remindd.Agenda}, "agenda:section:industry-mgmt:2024-06:outbox"},
	{"digest", at9(time.June, 2), []remindd.Rule{remindd.Digest}, "digest:office:office:2024-06:outbox"},
	{"quarterly", at9(time.April, 1), []remindd.Rule{remindd.Quarterly}, "quarterly:enterprise:" + rongxi + ":2024-Q2:outbox"},
}

func newRenderer(t testing.TB) *Renderer {
	t.Helper()
	r, err := NewRenderer(loadFixture(t).plan, "")
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// golden compares got with the golden file, or rewrites it under -update.
func golden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", "golden", name)
	if *update {
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
		t.Fatalf("%v (run go test ./notify -update to write it)", err)
	}
	if diff := cmp.Diff(string(want), got); diff != "" {
		t.Errorf("%s differs (-want +got):\n%s", path, diff)
	}
}

// fakeClock is a clock a test moves by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock(t time.Time) *fakeClock { return &fakeClock{now: t} }

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}
