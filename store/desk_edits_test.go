package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// eventsOf is the plan's events, newest first, as action task assignee by
// source note.
func eventsOf(t *testing.T, s *store.Store) []string {
	t.Helper()
	evs, err := s.Events(context.Background(), planID, store.EventFilter{})
	if err != nil {
		t.Fatal(err)
	}
	out := []string{}
	for _, e := range evs {
		out = append(out, string(e.Action)+" "+string(rune('0'+e.Task))+" "+e.Assignee.ID+" "+e.By+" "+e.Source+" "+e.Note)
	}
	return out
}

// TestMonthlyReportEvent: marking a month sent writes its event in the
// same transaction, once, about no task; a refused mark writes neither.
func TestMonthlyReportEvent(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		r := remindd.MonthlyReport{Section: "industry-mgmt", Month: "2024-05", By: "张科长", Source: remindd.SourceLink, At: at("2024-05-31 16:00:00")}
		for range 2 {
			if _, err := s.MarkMonthlyReport(ctx, planID, r); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := s.MarkMonthlyReport(ctx, planID, remindd.MonthlyReport{Section: "market-mgmt", Month: "2024-05",
			By: "王\u202e五", Source: remindd.SourceDesk, At: at("2024-05-31 16:00:00")}); err == nil {
			t.Error("a by with a bidi control was kept")
		}
		want := []string{"month_reported 0 industry-mgmt 张科长 link 月报 2024-05"}
		if diff := cmp.Diff(want, eventsOf(t, s)); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
		if n := count(t, s, `SELECT COUNT(*) FROM monthly_reports`); n != 1 {
			t.Errorf("%d monthly reports, want 1", n)
		}
	})
}

// TestEnterFigures: the desk's figures and their event are written
// together; figures the check refuses write neither.
func TestEnterFigures(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.SetNow(func() time.Time { return at("2024-06-02 10:00:00") })
		f := figuresOf("industry-mgmt", "2024-05", 7)
		f.Source = remindd.SourceDesk
		for i, want := range []bool{false, true} {
			replaced, err := s.EnterFigures(ctx, planID, f)
			if err != nil {
				t.Fatal(err)
			}
			if replaced != want {
				t.Errorf("enter %d: replaced %v, want %v", i+1, replaced, want)
			}
		}
		bad := figuresOf("market-mgmt", "2024-05", 1)
		delete(bad.Values, "site_5s")
		if _, err := s.EnterFigures(ctx, planID, bad); err == nil {
			t.Error("figures without site_5s were kept")
		}
		want := []string{"edited 0 industry-mgmt 林主任 desk 月报数据 2024-05", "edited 0 industry-mgmt 林主任 desk 月报数据 2024-05"}
		if diff := cmp.Diff(want, eventsOf(t, s)); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
		got, ok, err := s.Figures(ctx, "industry-mgmt", f.Month)
		if err != nil || !ok || got.Values["site_5s"] != f.Values["site_5s"] {
			t.Errorf("figures read back: %v %v %v", got, ok, err)
		}
		if _, ok, _ := s.Figures(ctx, "market-mgmt", f.Month); ok {
			t.Error("refused figures were written")
		}
	})
}

// TestUpdateEnterpriseAttributes: an edit writes the attributes and an
// event saying what changed, in one transaction; the same values again
// write nothing; a value the schema refuses writes neither; an unknown
// code is ErrNoEnterprise.
func TestUpdateEnterpriseAttributes(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		firm := remindd.Enterprise{ID: code(1), Name: "晋江市某酒店有限公司", Sector: "tourism", Size: "规上", Active: true, Risk: "黄"}
		mustUpsert(t, s, firm)
		when := at("2024-05-24 10:00:00")
		a := store.EnterpriseAttributes{Roles: []string{"标杆培育对象"}, StdType: "国标", Level: "二级", Risk: "红"}
		note, err := s.UpdateEnterpriseAttributes(ctx, planID, firm.ID, a, "林主任", remindd.SourceDesk, when)
		if err != nil {
			t.Fatal(err)
		}
		if want := "角色：未填→标杆培育对象；达标类型：未填→国标；级别：未填→二级；风险等级：黄→红"; note != want {
			t.Errorf("note %q, want %q", note, want)
		}
		if note, err := s.UpdateEnterpriseAttributes(ctx, planID, firm.ID, a, "林主任", remindd.SourceDesk, when); err != nil || note != "" {
			t.Errorf("the same again: %q, %v; want nothing changed", note, err)
		}
		bad := a
		bad.Risk, bad.Level = "紫", "一级"
		if _, err := s.UpdateEnterpriseAttributes(ctx, planID, firm.ID, bad, "林主任", remindd.SourceDesk, when); err == nil {
			t.Error("risk 紫 was kept")
		}
		if _, err := s.UpdateEnterpriseAttributes(ctx, planID, code(2), a, "林主任", remindd.SourceDesk, when); !errors.Is(err, store.ErrNoEnterprise) {
			t.Errorf("unknown enterprise: %v, want ErrNoEnterprise", err)
		}
		e, _, err := s.Enterprise(ctx, firm.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(a, store.AttributesOf(e)); diff != "" {
			t.Errorf("attributes (-want +got):\n%s", diff)
		}
		want := []string{"edited 0 " + firm.ID + " 林主任 desk 报表信息 角色：未填→标杆培育对象；达标类型：未填→国标；级别：未填→二级；风险等级：黄→红"}
		if diff := cmp.Diff(want, eventsOf(t, s)); diff != "" {
			t.Errorf("events (-want +got):\n%s", diff)
		}
	})
}
