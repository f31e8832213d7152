package schedule_test

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/schedule"
)

func job(t *testing.T, e *schedule.Engine, name string) schedule.Job {
	t.Helper()
	jobs, err := e.Jobs()
	if err != nil {
		t.Fatal(err)
	}
	for _, j := range jobs {
		if j.Name == name {
			return j
		}
	}
	t.Fatalf("no job %s", name)
	return schedule.Job{}
}

func TestWorkingDaysMoveJobs(t *testing.T) {
	midnight := func(m time.Month, d int) time.Time { return time.Date(2024, m, d, 0, 0, 0, 0, shanghai) }
	cases := []struct {
		name        string
		job         string
		workingDays bool
		after       time.Time
		want        time.Time
	}{
		{"digest on Sunday 2 June stays when working days are off", schedule.JobDigest, false, midnight(6, 1), at9(6, 2)},
		{"digest on Sunday 2 June moves to Monday", schedule.JobDigest, true, midnight(6, 1), at9(6, 3)},
		{"digest of 2 October waits for the end of National Day", schedule.JobDigest, true, midnight(10, 1), at9(10, 8)},
		{"digest of 2 September, a Monday, is not moved", schedule.JobDigest, true, midnight(9, 1), at9(9, 2)},
		{"agenda of 1 May waits for 6 May", schedule.JobAgenda, true, midnight(4, 30), at9(5, 6)},
		{"quarterly of 1 October waits for 8 October", schedule.JobQuarterly, true, midnight(9, 30), at9(10, 8)},
		{"sweep runs on the make-up Sunday 28 April", schedule.JobSweep, true, time.Date(2024, 4, 27, 10, 0, 0, 0, shanghai), at9(4, 28)},
		{"sweep skips the May Day holiday", schedule.JobSweep, true, time.Date(2024, 4, 30, 10, 0, 0, 0, shanghai), at9(5, 6)},
		{"sweep runs on the make-up Saturday 11 May", schedule.JobSweep, true, time.Date(2024, 5, 10, 10, 0, 0, 0, shanghai), at9(5, 11)},
		{"sweep skips a weekend", schedule.JobSweep, true, time.Date(2024, 6, 28, 10, 0, 0, 0, shanghai), at9(7, 1)},
		{"sweep runs daily when working days are off", schedule.JobSweep, false, time.Date(2024, 6, 28, 10, 0, 0, 0, shanghai), at9(6, 29)},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			j := job(t, engine(t, tc.workingDays), tc.job)
			if got := j.Schedule.Next(tc.after); !got.Equal(tc.want) {
				t.Errorf("next after %s = %s, want %s", tc.after, got, tc.want)
			}
		})
	}
}

func TestWorkingDaysBringLeadRemindersForward(t *testing.T) {
	// 30 June 2024 is a Sunday: the deadline-day reminder goes out on
	// Friday 28 June when working days are on.
	for _, tc := range []struct {
		workingDays bool
		want        string
	}{
		{false, "lead:section:industry-mgmt:2024-06-30/d3:outbox"},
		{true, "lead:section:industry-mgmt:2024-06-30/d0:outbox"},
	} {
		e := engine(t, tc.workingDays)
		ns, err := e.Evaluate(&remindd.State{}, at9(6, 28), remindd.Lead)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, n := range ns {
			if n.Recipient.ID == "industry-mgmt" {
				keys = append(keys, keyOf(n))
			}
		}
		if diff := cmp.Diff([]string{tc.want}, keys); diff != "" {
			t.Errorf("working days %v (-want +got):\n%s", tc.workingDays, diff)
		}
		if got := ns[0].Items(e.Plan)[0].DaysLeft; got != 2 {
			t.Errorf("days left on 28 June = %d, want 2 (calendar days)", got)
		}
	}
}

func TestWorkingDaysRefuseUncoveredYears(t *testing.T) {
	e := engine(t, true)
	e.Plan.Year = 2031
	e.Plan.Reporting.YearEnd.Due = plan.Date{} // the plan ends with 2031
	if _, err := e.Evaluate(&remindd.State{}, time.Date(2031, 5, 24, 9, 0, 0, 0, shanghai), remindd.Lead); err == nil {
		t.Fatal("evaluation in a year without holiday data succeeded")
	}
	if err := e.Config.CheckPlan(e.Plan, func(y int) bool { return y <= 2027 }); err == nil {
		t.Fatal("config check accepted working days in a year without holiday data")
	}
}

func TestDueCatchesUpOnceWithinTheWindow(t *testing.T) {
	e := engine(t, false)
	empty := &remindd.State{}
	rules := func(ns []remindd.Notification) map[remindd.Rule]int {
		m := map[remindd.Rule]int{}
		for _, n := range ns {
			m[n.Rule]++
		}
		return m
	}

	// A new store at 2 June 09:00: the agenda of 1 June and the digest of
	// 2 June are within the 7-day window.
	ns, runs, err := e.Due(empty, at9(6, 2), nil)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(map[remindd.Rule]int{remindd.Agenda: 4, remindd.Daily: 4, remindd.Escalate: 1, remindd.Digest: 1}, rules(ns)); diff != "" {
		t.Errorf("new store (-want +got):\n%s", diff)
	}
	last := map[string]time.Time{}
	for _, r := range runs {
		last[r.Job] = r.At
	}
	if !last[schedule.JobDigest].Equal(at9(6, 2)) || !last[schedule.JobAgenda].Equal(at9(6, 1)) {
		t.Errorf("runs = %v", runs)
	}

	// Down across 2 June 09:00: a tick on 3 June at 10:00 runs the digest
	// of 2 June once.
	down := map[string]time.Time{
		schedule.JobSweep: at9(6, 1), schedule.JobAgenda: at9(6, 1),
		schedule.JobDigest: at9(5, 2), schedule.JobQuarterly: at9(4, 1),
	}
	ns, _, err = e.Due(empty, time.Date(2024, 6, 3, 10, 0, 0, 0, shanghai), down)
	if err != nil {
		t.Fatal(err)
	}
	if got := rules(ns)[remindd.Digest]; got != 1 {
		t.Errorf("digests after downtime = %d, want 1", got)
	}
	if got := rules(ns)[remindd.Agenda]; got != 0 {
		t.Errorf("agendas after downtime = %d, want 0 (1 June's was sent)", got)
	}

	// Down for a month, from 28 May to 15 July: no stale agenda of 1 July
	// (outside the window), and no digest of 2 July either.
	month := map[string]time.Time{
		schedule.JobSweep: at9(5, 28), schedule.JobAgenda: at9(5, 1),
		schedule.JobDigest: at9(5, 2), schedule.JobQuarterly: at9(4, 1),
	}
	ns, runs, err = e.Due(empty, at9(7, 15), month)
	if err != nil {
		t.Fatal(err)
	}
	if r := rules(ns); r[remindd.Agenda] != 0 || r[remindd.Digest] != 0 || r[remindd.Quarterly] != 0 {
		t.Errorf("stale notifications after a month down: %v", r)
	}
	if len(runs) != 1 || runs[0].Job != schedule.JobSweep {
		t.Errorf("runs = %v, want only today's sweep", runs)
	}

	// Ticking again at the same instant, with the runs recorded, adds nothing.
	for _, r := range runs {
		month[r.Job] = r.At
	}
	ns, _, err = e.Due(empty, at9(7, 15), month)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 0 {
		t.Errorf("second tick gave %d notifications", len(ns))
	}
}
