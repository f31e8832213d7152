package store_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/creditcode"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

func change(a remindd.Action, task int, who remindd.Recipient, note string) remindd.Event {
	return remindd.Event{Action: a, Task: task, Assignee: who, By: "张三", Source: remindd.SourceLink, Note: note,
		At: at("2024-05-24 10:00:00")}
}

func actions(evs []remindd.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, string(e.Action)+" "+e.Assignee.ID)
	}
	return out
}

// wantReportCount checks that ReportCount counts what Reports lists.
func wantReportCount(t *testing.T, s *store.Store, want int) {
	t.Helper()
	ctx := context.Background()
	n, err := s.ReportCount(ctx, planID)
	if err != nil {
		t.Fatal(err)
	}
	reps, err := s.Reports(ctx, planID)
	if err != nil {
		t.Fatal(err)
	}
	if n != want || len(reps) != want {
		t.Errorf("ReportCount = %d, Reports lists %d; want %d", n, len(reps), want)
	}
	if other, err := s.ReportCount(ctx, "another-plan"); err != nil || other != 0 {
		t.Errorf("ReportCount of another plan = %d, %v; want 0", other, err)
	}
}

func TestReportConfirmReturnFlow(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		im, mm := section("industry-mgmt"), section("market-mgmt")
		apply := func(want []string, changes ...remindd.Event) []remindd.Event {
			t.Helper()
			got, err := s.Apply(ctx, planID, changes)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, actions(got)); diff != "" {
				t.Errorf("applied (-want +got):\n%s", diff)
			}
			return got
		}
		// A report counts as done at once, and is listed to confirm.
		apply([]string{"reported industry-mgmt"}, change(remindd.Reported, 44, im, "已完成"))
		// A replay, or a second click, records nothing.
		apply(nil, change(remindd.Reported, 44, im, "again"))
		st, err := s.Snapshot(ctx, planID, at("2024-05-25 09:00:00"))
		if err != nil {
			t.Fatal(err)
		}
		if !st.Done.Has(44, im) || !st.Reported.Has(44, im) || st.Done.Has(44, mm) {
			t.Errorf("after the report: done %v, reported %v, other section done %v", st.Done.Has(44, im), st.Reported.Has(44, im), st.Done.Has(44, mm))
		}
		reps, err := s.Reports(ctx, planID)
		if err != nil {
			t.Fatal(err)
		}
		if len(reps) != 1 || reps[0].Task != 44 || reps[0].Assignee != im || reps[0].Note != "已完成" || reps[0].By != "张三" {
			t.Errorf("reports: %+v", reps)
		}
		wantReportCount(t, s, 1)
		// The office returns it with a reason: open again, and told.
		apply([]string{"returned industry-mgmt"}, change(remindd.Returned, 44, im, "材料不全"))
		apply(nil, change(remindd.Returned, 44, im, "材料不全"), change(remindd.Confirmed, 44, im, ""))
		st, err = s.Snapshot(ctx, planID, at("2024-05-25 09:00:00"))
		if err != nil {
			t.Fatal(err)
		}
		if st.Done.Has(44, im) || st.Reported.Has(44, im) {
			t.Error("a returned report still counts as done")
		}
		wantReportCount(t, s, 0)
		if len(st.Returns) != 1 || st.Returns[0].Task != 44 || st.Returns[0].To != im || st.Returns[0].Reason != "材料不全" || st.Returns[0].Event == 0 {
			t.Errorf("returns: %+v", st.Returns)
		}
		// Reported again and confirmed (销号): done, not reported, no longer returned.
		apply([]string{"reported industry-mgmt", "confirmed industry-mgmt"},
			change(remindd.Reported, 44, im, "补齐材料"), change(remindd.Confirmed, 44, im, ""))
		st, err = s.Snapshot(ctx, planID, at("2024-05-25 09:00:00"))
		if err != nil {
			t.Fatal(err)
		}
		if !st.Done.Has(44, im) || st.Reported.Has(44, im) || len(st.Returns) != 0 {
			t.Errorf("after the confirm: done %v, reported %v, returns %+v", st.Done.Has(44, im), st.Reported.Has(44, im), st.Returns)
		}
		wantReportCount(t, s, 0)
		// A record of something done changes nothing; an undo reopens it.
		apply(nil, change(remindd.Recorded, 44, im, ""))
		apply([]string{"undone industry-mgmt"}, change(remindd.Undone, 44, im, "误登记"))
		apply(nil, change(remindd.Undone, 44, im, "误登记"))
		// The history holds every step, newest first.
		evs, err := s.Events(ctx, planID, store.EventFilter{Task: 44})
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"undone industry-mgmt", "confirmed industry-mgmt", "reported industry-mgmt", "returned industry-mgmt", "reported industry-mgmt"}
		if diff := cmp.Diff(want, actions(evs)); diff != "" {
			t.Errorf("history (-want +got):\n%s", diff)
		}
		if evs[3].Note != "材料不全" || evs[3].By != "张三" || evs[3].Source != remindd.SourceLink || !evs[3].At.Equal(at("2024-05-24 10:00:00")) {
			t.Errorf("the return's event: %+v", evs[3])
		}
		if !evs[4].DoneAt.Equal(at("2024-05-24 10:00:00")) || !evs[3].DoneAt.IsZero() {
			t.Errorf("done at: report %v, return %v", evs[4].DoneAt, evs[3].DoneAt)
		}
		if got, _ := s.Events(ctx, planID, store.EventFilter{Assignees: []remindd.Recipient{mm}}); len(got) != 0 {
			t.Errorf("another section's history: %+v", got)
		}
		if got, _ := s.Events(ctx, planID, store.EventFilter{Limit: 2}); len(got) != 2 {
			t.Errorf("limit 2: %d events", len(got))
		}
	})
}

func TestRecordMakesAReportDone(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		im := section("industry-mgmt")
		if _, err := s.Apply(ctx, planID, []remindd.Event{change(remindd.Reported, 44, im, "")}); err != nil {
			t.Fatal(err)
		}
		rec := change(remindd.Recorded, 44, im, "科室登记")
		rec.Source = remindd.SourceDesk
		got, err := s.Apply(ctx, planID, []remindd.Event{rec})
		if err != nil || len(got) != 1 {
			t.Fatalf("record of a reported obligation: %v, %+v", err, got)
		}
		cs, err := s.CompletionsOf(ctx, planID, im)
		if err != nil {
			t.Fatal(err)
		}
		if len(cs) != 1 || cs[0].Status != remindd.StatusDone || cs[0].Source != remindd.SourceDesk || cs[0].Note != "科室登记" {
			t.Errorf("completions: %+v", cs)
		}
	})
}

func TestApplyIsAllOrNothing(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		im := section("industry-mgmt")
		for name, bad := range map[string]remindd.Event{
			"unknown action": {Action: "deleted", Task: 45, Assignee: im},
			"task 0":         {Action: remindd.Reported, Task: 0, Assignee: im},
			"office":         {Action: remindd.Reported, Task: 45, Assignee: remindd.Recipient{Kind: remindd.KindOffice, ID: "office"}},
			"long by":        {Action: remindd.Reported, Task: 45, Assignee: im, By: strings.Repeat("张", remindd.MaxDoneBy+1)},
			"control char":   {Action: remindd.Reported, Task: 45, Assignee: im, Note: "a\x00b"},
			"year 10000":     {Action: remindd.Reported, Task: 45, Assignee: im, At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		} {
			t.Run(name, func(t *testing.T) {
				_, err := s.Apply(ctx, planID, []remindd.Event{change(remindd.Reported, 44, im, ""), bad})
				if err == nil {
					t.Fatal("applied")
				}
				if !strings.Contains(err.Error(), "change 2") {
					t.Errorf("error %q does not name change 2", err)
				}
				cs, err := s.CompletionsOf(ctx, planID, im)
				if err != nil {
					t.Fatal(err)
				}
				evs, err := s.Events(ctx, planID, store.EventFilter{})
				if err != nil {
					t.Fatal(err)
				}
				if len(cs) != 0 || len(evs) != 0 {
					t.Errorf("written: %+v, %+v", cs, evs)
				}
			})
		}
	})
}

func TestUsersAndSessions(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		u := remindd.User{Name: "wang", Role: remindd.RoleSection, Section: "industry-mgmt"}
		if err := s.AddUser(ctx, u, "$argon2id$v=19$x"); err != nil {
			t.Fatal(err)
		}
		if err := s.AddUser(ctx, u, "$argon2id$v=19$y"); !errors.Is(err, store.ErrUserExists) {
			t.Errorf("a second wang: %v", err)
		}
		got, hash, ok, err := s.UserByName(ctx, "wang")
		if err != nil || !ok || got != u || hash != "$argon2id$v=19$x" {
			t.Errorf("user: %+v %q %v %v", got, hash, ok, err)
		}
		if _, _, ok, err := s.UserByName(ctx, "Wang"); ok || err != nil {
			t.Errorf("names are exact: Wang found %v (%v)", ok, err)
		}
		id := strings.Repeat("ab", 32)
		now := at("2024-05-24 10:00:00")
		if err := s.CreateSession(ctx, id, "wang", now, now.Add(time.Hour)); err != nil {
			t.Fatal(err)
		}
		if got, ok, err := s.Session(ctx, id, now.Add(59*time.Minute)); err != nil || !ok || got != u {
			t.Errorf("session within the hour: %+v %v %v", got, ok, err)
		}
		if _, ok, _ := s.Session(ctx, id, now.Add(time.Hour)); ok {
			t.Error("session valid at its expiry")
		}
		if _, ok, _ := s.Session(ctx, strings.Repeat("cd", 32), now); ok {
			t.Error("an unknown session is valid")
		}
		if err := s.DeleteSession(ctx, id); err != nil {
			t.Fatal(err)
		}
		if _, ok, _ := s.Session(ctx, id, now); ok {
			t.Error("session valid after logout")
		}
		if err := s.DeleteSession(ctx, id); err != nil {
			t.Errorf("a second logout: %v", err)
		}
		for i := range 3 {
			if err := s.LoginFailed(ctx, "wang", now.Add(time.Duration(i)*time.Minute)); err != nil {
				t.Fatal(err)
			}
		}
		if n, err := s.LoginFailures(ctx, "wang", now.Add(time.Minute)); err != nil || n != 2 {
			t.Errorf("failures since a minute in: %d (%v), want 2", n, err)
		}
		if n, _ := s.LoginFailures(ctx, "li", now); n != 0 {
			t.Errorf("li's failures: %d", n)
		}
	})
}

// TestEventsOfSectors: a section's history names its sectors, not each of
// their enterprises, which may be more than a query may have parameters
// (SQLite allows 32,766, MySQL 65,535).
func TestEventsOfSectors(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		const n = 200
		ents := make([]remindd.Enterprise, n)
		for i := range ents {
			first := fmt.Sprintf("91350582MA%07d", i)
			c, err := creditcode.CheckChar(first)
			if err != nil {
				t.Fatal(err)
			}
			ents[i] = remindd.Enterprise{ID: first + string(c), Name: fmt.Sprintf("企业%d", i), Sector: []string{"tourism", "culture"}[i%2], Active: true}
		}
		if _, _, err := s.UpsertEnterprises(ctx, ents); err != nil {
			t.Fatal(err)
		}
		at := time.Date(2024, 5, 24, 1, 0, 0, 0, time.UTC)
		section := remindd.Recipient{Kind: remindd.KindSection, ID: "industry-mgmt"}
		var changes []remindd.Event
		for i, who := range []remindd.Recipient{
			section,
			{Kind: remindd.KindSection, ID: "market-mgmt"},
			{Kind: remindd.KindEnterprise, ID: ents[0].ID},   // tourism
			{Kind: remindd.KindEnterprise, ID: ents[1].ID},   // culture
			{Kind: remindd.KindEnterprise, ID: ents[n-2].ID}, // tourism
			{Kind: remindd.KindEnterprise, ID: "91350582MA99999999"},
		} {
			changes = append(changes, remindd.Event{Action: remindd.Recorded, Task: 44, Assignee: who, By: "x", Source: remindd.SourceDesk, At: at.Add(time.Duration(i) * time.Minute)})
		}
		if _, err := s.Apply(ctx, "jinjiang-2024", changes); err != nil {
			t.Fatal(err)
		}
		got := func(f store.EventFilter) []string {
			t.Helper()
			evs, err := s.Events(ctx, "jinjiang-2024", f)
			if err != nil {
				t.Fatal(err)
			}
			out := []string{}
			for _, e := range evs {
				out = append(out, e.Assignee.ID)
			}
			return out
		}
		want := []string{ents[n-2].ID, ents[0].ID, "industry-mgmt"}
		if diff := cmp.Diff(want, got(store.EventFilter{Assignees: []remindd.Recipient{section}, Sectors: []string{"tourism"}})); diff != "" {
			t.Errorf("industry-mgmt and tourism's enterprises (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff(want[:2], got(store.EventFilter{Sectors: []string{"tourism"}, Limit: 2})); diff != "" {
			t.Errorf("tourism's enterprises, two (-want +got):\n%s", diff)
		}
		if diff := cmp.Diff([]string{}, got(store.EventFilter{Sectors: []string{"' OR 1=1 --"}})); diff != "" {
			t.Errorf("a sector no enterprise has (-want +got):\n%s", diff)
		}
	})
}
