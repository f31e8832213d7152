package link_test

import (
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/link"
	"github.com/remindd/remindd/plan"
)

// TestLinker: a link is BASE_URL/r/TOKEN, opens its recipient's page until
// the plan's last day (2025-01-05, the year-end report) plus the grace, and
// not a second after.
func TestLinker(t *testing.T) {
	p, err := plan.Load(filepath.Join("..", "plans", "jinjiang-2024.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	k, err := link.LoadKey(filepath.Join(t.TempDir(), "web.key"), true)
	if err != nil {
		t.Fatal(err)
	}
	s := link.NewSigner(k)
	l := link.NewLinker(s, "https://remindd.example.gov.cn/desk", p)
	want := time.Date(2025, 2, 4, 23, 59, 59, 0, p.Location)
	if !l.Expires.Equal(want) {
		t.Errorf("expires %s, want %s", l.Expires, want)
	}
	who := remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}
	u, err := l.URL(who)
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^https://remindd\.example\.gov\.cn/desk/r/([A-Za-z0-9_-]+)$`).FindStringSubmatch(u)
	if m == nil {
		t.Fatalf("link %q is not BASE_URL/r/TOKEN", u)
	}
	if got, err := s.Open(m[1], want); err != nil || got != who {
		t.Errorf("at expiry: %v, %v; want %v", got, err, who)
	}
	if _, err := s.Open(m[1], want.Add(time.Second)); err != link.ErrExpired {
		t.Errorf("a second after: %v, want ErrExpired", err)
	}
	if _, err := l.URL(remindd.Recipient{Kind: remindd.KindOffice, ID: "office"}); err == nil {
		t.Error("the office got a link: it has the desk")
	}
}
