package daemon_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sirupsen/logrus"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/daemon"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/roster"
	"github.com/remindd/remindd/schedule"
	"github.com/remindd/remindd/store"
)

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	return loc
}()

func at(month time.Month, day, hour, min int) time.Time {
	return time.Date(2024, month, day, hour, min, 0, 0, shanghai)
}

// fixture loads the example config with its file channel and the web
// desk's key in temporary folders, and the shipped plan.
func fixture(t *testing.T) (*config.Config, *plan.Plan) {
	t.Helper()
	c, err := config.Load("../examples/config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	for i := range c.Channels {
		if c.Channels[i].Type == "file" {
			c.Channels[i].Dir = t.TempDir()
		}
	}
	if c.Web != nil {
		c.Web.SecretFile = filepath.Join(t.TempDir(), "web.key")
	}
	p, err := plan.Load(c.PlanPath())
	if err != nil {
		t.Fatal(err)
	}
	return c, p
}

func quietLog() *logrus.Entry {
	l := logrus.New()
	l.SetOutput(io.Discard)
	return logrus.NewEntry(l)
}

func newDaemon(t *testing.T, c *config.Config, p *plan.Plan, s *store.Store, worker string) *daemon.Daemon {
	t.Helper()
	d, err := daemon.New(daemon.Options{Config: c, Plan: p, Store: s, Log: quietLog(), Clock: &daemon.SetClock{}, Worker: worker})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func importExample(t *testing.T, s *store.Store, p *plan.Plan) {
	t.Helper()
	f, err := os.Open("../examples/enterprises.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	list, err := roster.Read("enterprises.csv", f, roster.RulesOf(p))
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.UpsertEnterprises(context.Background(), list); err != nil {
		t.Fatal(err)
	}
}

func outbox(t *testing.T, s *store.Store) []store.OutboxRow {
	t.Helper()
	rows, err := s.Outbox(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func byRule(rows []store.OutboxRow, rule string) []store.OutboxRow {
	var out []store.OutboxRow
	for _, r := range rows {
		if r.Rule == rule {
			out = append(out, r)
		}
	}
	return out
}

// TestDigestAfterDowntime is issue 5's acceptance: down across 2 June 09:00,
// a tick on 3 June sends that digest once, delivered; a further tick adds
// nothing.
func TestDigestAfterDowntime(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		c, p := fixture(t)
		d := newDaemon(t, c, p, s, "a")
		ctx := context.Background()
		if _, err := d.Tick(ctx, at(6, 1, 8, 0)); err != nil {
			t.Fatal(err)
		}
		res, err := d.Tick(ctx, at(6, 3, 10, 0))
		if err != nil {
			t.Fatal(err)
		}
		digests := byRule(outbox(t, s), "digest")
		if len(digests) != 1 || digests[0].Status != store.StatusSent || digests[0].Key != "digest:office:office:2024-06:outbox:"+schedule.AddressDigest("office@example.gov.cn") {
			t.Fatalf("digests = %+v", digests)
		}
		if res.Delivery.Failed != 0 {
			t.Errorf("failed deliveries: %+v", res.Delivery)
		}
		before := len(outbox(t, s))
		res, err = d.Tick(ctx, at(6, 3, 10, 5))
		if err != nil {
			t.Fatal(err)
		}
		if res.Enqueued != 0 || len(outbox(t, s)) != before {
			t.Errorf("tick at 10:05 enqueued %d", res.Enqueued)
		}
	})
}

func TestNoStaleAgendasAfterAMonthDown(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		c, p := fixture(t)
		d := newDaemon(t, c, p, s, "a")
		ctx := context.Background()
		if _, err := d.Tick(ctx, at(5, 28, 9, 0)); err != nil {
			t.Fatal(err)
		}
		before := len(byRule(outbox(t, s), "agenda"))
		// Down from 28 May to 15 July: the agendas of 1 June and 1 July,
		// and the digests of June and July, are not sent late.
		if _, err := d.Tick(ctx, at(7, 15, 9, 30)); err != nil {
			t.Fatal(err)
		}
		rows := outbox(t, s)
		if got := len(byRule(rows, "agenda")); got != before {
			t.Errorf("agendas after a month down: %d, want %d", got, before)
		}
		if got := len(byRule(rows, "digest")); got != 0 {
			t.Errorf("digests after a month down: %d, want 0", got)
		}
	})
}

func TestTicksAreIdempotent(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		c, p := fixture(t)
		importExample(t, s, p)
		d := newDaemon(t, c, p, s, "a")
		ctx := context.Background()
		first, err := d.Tick(ctx, at(6, 2, 9, 0))
		if err != nil {
			t.Fatal(err)
		}
		if first.Enqueued == 0 || first.Delivery.Sent != first.Enqueued {
			t.Fatalf("first tick %+v", first)
		}
		again, err := d.Tick(ctx, at(6, 2, 9, 0))
		if err != nil {
			t.Fatal(err)
		}
		if again.Enqueued != 0 || again.Delivery != (daemon.Delivery{}) {
			t.Errorf("second tick at the same instant did %+v", again)
		}
	})
}

// TestFullYearSimulationIsRepeatable replays 2024 twice on fresh stores and
// gets the same notifications, each sent once.
func TestFullYearSimulationIsRepeatable(t *testing.T) {
	keys := func(t *testing.T) []string {
		b := storetest.Backends(t)[0] // SQLite: the year is long; MySQL runs the month test below
		s := b.Open(t)
		c, p := fixture(t)
		importExample(t, s, p)
		d := newDaemon(t, c, p, s, "a")
		if err := d.Simulate(context.Background(), at(1, 1, 0, 0), time.Date(2025, 1, 10, 0, 0, 0, 0, shanghai), nil); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, r := range outbox(t, s) {
			if r.Status != store.StatusSent || r.Attempts != 0 {
				t.Errorf("%s: status %s after %d attempts", r.Key, r.Status, r.Attempts)
			}
			out = append(out, r.Key)
		}
		sort.Strings(out)
		return out
	}
	a, b := keys(t), keys(t)
	if len(a) < 1000 {
		t.Fatalf("only %d notifications in a year", len(a))
	}
	if diff := cmp.Diff(a, b); diff != "" {
		t.Errorf("second year differs (-first +second):\n%s", diff)
	}
	rules := map[string]int{}
	for _, k := range a {
		rules[strings.SplitN(k, ":", 2)[0]]++
	}
	// 12 agendas and 12 digests... for 4 sections; 4 quarterly rounds for
	// the 29 active enterprises with e-mail.
	if rules["agenda"] != 48 || rules["digest"] != 12 || rules["quarterly"] == 0 {
		t.Errorf("per rule: %v", rules)
	}
}

// sink is a JSON webhook that counts deliveries per key.
type sink struct {
	mu     sync.Mutex
	count  map[string]int
	server *httptest.Server
}

func newSink(t *testing.T) *sink {
	k := &sink{count: map[string]int{}}
	k.server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var m struct {
			Key string `json:"key"`
		}
		if err := json.NewDecoder(r.Body).Decode(&m); err != nil || m.Key == "" {
			http.Error(w, "bad payload", http.StatusBadRequest)
			return
		}
		k.mu.Lock()
		k.count[m.Key]++
		k.mu.Unlock()
	}))
	t.Cleanup(k.server.Close)
	return k
}

// TestTwoDaemonsOnOneDatabase runs two instances against one MariaDB
// database through a simulated month: one leads and decides, both deliver,
// and every notification reaches the sink exactly once.
func TestTwoDaemonsOnOneDatabase(t *testing.T) {
	mysql := storetest.Backends(t)[1]
	addr := mysql.Addr(t)
	ctx := context.Background()
	open := func() *store.Store {
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
	sa, sb := open(), open()
	k := newSink(t)
	t.Setenv("REMINDD_TEST_SINK_URL", k.server.URL)
	c, p := fixture(t)
	c.Channels = append(c.Channels, config.Channel{Name: "sink", Type: "webhook", URLEnv: "REMINDD_TEST_SINK_URL"})
	for i := range c.Sections {
		c.Sections[i].Contacts = []config.Contact{{Channel: "sink"}}
		c.Sections[i].LeaderContacts = []config.Contact{{Channel: "sink"}}
	}
	c.Office.Contacts = []config.Contact{{Channel: "sink"}}
	c.Enterprises.Email = ""
	importExample(t, sa, p)
	da, db := newDaemon(t, c, p, sa, "a"), newDaemon(t, c, p, sb, "b")

	jobs, err := schedule.New(p, c).Jobs()
	if err != nil {
		t.Fatal(err)
	}
	var times []time.Time
	for _, j := range jobs {
		for tt := j.Schedule.Next(at(5, 25, 0, 0)); tt.Before(at(6, 25, 0, 0)); tt = j.Schedule.Next(tt) {
			times = append(times, tt)
		}
	}
	sort.Slice(times, func(i, j int) bool { return times[i].Before(times[j]) })

	lock, err := sa.Lock(ctx, "jobs")
	if err != nil {
		t.Fatal(err)
	}
	defer lock.Release()
	if _, err := sb.Lock(ctx, "jobs"); err == nil {
		t.Fatal("second instance took the lock")
	}
	for _, tt := range times {
		if _, err := da.Decide(ctx, tt); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		for _, d := range []*daemon.Daemon{da, db} {
			wg.Add(1)
			go func(d *daemon.Daemon) {
				defer wg.Done()
				if _, err := d.Deliver(ctx, tt); err != nil {
					t.Error(err)
				}
			}(d)
		}
		wg.Wait()
	}
	rows := outbox(t, sa)
	if len(rows) < 40 { // one morning message a day per recipient, at most
		t.Fatalf("only %d notifications in a month", len(rows))
	}
	for _, r := range rows {
		if r.Status != store.StatusSent {
			t.Errorf("%s: %s", r.Key, r.Status)
		}
		if n := k.count[r.Key]; n != 1 {
			t.Errorf("%s delivered %d times", r.Key, n)
		}
	}
	if len(k.count) != len(rows) {
		t.Errorf("sink got %d keys, outbox has %d", len(k.count), len(rows))
	}
}
