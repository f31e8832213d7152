package schedule_test

import (
	"slices"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
)

// TestReportingOnTheLastWorkingDay: sections are reminded of May's reports
// on 31 May (a Friday), once per section, and not on the 30th; with working
// days on, June's reminder comes on Friday 28 June, not Sunday 30 June; a
// section that marked the month sent is left out.
func TestReportingOnTheLastWorkingDay(t *testing.T) {
	s := &remindd.State{MonthlyReports: []remindd.MonthlyReport{{Section: "market-mgmt", Month: "2024-06"}}}
	for _, tc := range []struct {
		name        string
		workingDays bool
		at          time.Time
		want        []got
	}{
		{"2024-05-30 not the last day", false, at9(time.May, 30), nil},
		{"2024-05-31 the last day", false, at9(time.May, 31), perSection("reporting", "2024-05", same([]int{}))},
		{"2024-06-30 a Sunday, every day working", false, at9(time.June, 30), perSection("reporting", "2024-06", func(sec string) []int {
			if sec == "market-mgmt" {
				return nil // marked sent
			}
			return []int{}
		})},
		{"2024-06-28 the last working day", true, at9(time.June, 28), perSection("reporting", "2024-06", func(sec string) []int {
			if sec == "market-mgmt" {
				return nil
			}
			return []int{}
		})},
		{"2024-06-27 with working days", true, at9(time.June, 27), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ns, err := engine(t, tc.workingDays).Evaluate(s, tc.at, remindd.Reporting)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tc.want, compact(ns), cmpEmpty, cmp.Comparer(func(a, b []int) bool { return len(a) == 0 && len(b) == 0 || slices.Equal(a, b) })); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
			for _, n := range ns {
				var names []string
				for _, r := range n.Digest.Reports {
					names = append(names, r.Name+" "+r.Due.String()+" "+r.To)
				}
				want := []string{"书面工作总结 " + nextDay(tc.at, 2) + " 市安委会办公室", "工作进展情况月报表（附件4、附件5） " + nextDay(tc.at, 3) + " 市安委会办公室"}
				if diff := cmp.Diff(want, names); diff != "" {
					t.Errorf("%s reports (-want +got):\n%s", n.Key, diff)
				}
			}
		})
	}
}

// nextDay is day of the month after at's, YYYY-MM-DD.
func nextDay(at time.Time, day int) string {
	return time.Date(at.Year(), at.Month()+1, day, 0, 0, 0, 0, time.UTC).Format(time.DateOnly)
}

// TestYearEndSummary: December's reminder adds the year-end summary, due to
// the office by 2025-01-05; January 2025's digest tells the office the
// sections owe it the summary and that it then reports to 市安委会办公室,
// never to itself; and it names the sections that have not reported.
func TestYearEndSummary(t *testing.T) {
	e := engine(t, false)
	s := &remindd.State{MonthlyReports: []remindd.MonthlyReport{{Section: "industry-mgmt", Month: "2024-12"}}}
	ns, err := e.Evaluate(s, at9(time.December, 31), remindd.Reporting)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 3 {
		t.Fatalf("%d reporting reminders on 31 December, want 3 (industry-mgmt reported)", len(ns))
	}
	last := ns[0].Digest.Reports[len(ns[0].Digest.Reports)-1]
	if last.Name != "年度工作总结" || last.To != "局办公室" || last.Due.String() != "2025-01-05" {
		t.Errorf("last report %+v, want 年度工作总结 to 局办公室 by 2025-01-05", last)
	}
	ns, err = e.Evaluate(s, time.Date(2025, 1, 2, 9, 0, 0, 0, shanghai), remindd.Digest)
	if err != nil {
		t.Fatal(err)
	}
	if len(ns) != 1 {
		t.Fatalf("%d digests on 2 January 2025, want 1", len(ns))
	}
	var reports []string
	for _, r := range ns[0].Digest.Reports {
		reports = append(reports, r.By+"→"+r.To+" "+r.Name)
		if r.By == r.To || (r.By == "" && r.To == "局办公室") {
			t.Errorf("the office is told to report %s to itself: %+v", r.Name, r)
		}
	}
	want := []string{"→市安委会办公室 书面工作总结", "→市安委会办公室 工作进展情况月报表（附件4、附件5）",
		"各科室→局办公室 年度工作总结", "局办公室→市安委会办公室 年度工作总结（汇总上报）"}
	if diff := cmp.Diff(want, reports); diff != "" {
		t.Errorf("reports (-want +got):\n%s", diff)
	}
	var unreported []string
	for _, u := range ns[0].Digest.Unreported {
		unreported = append(unreported, u.ID)
	}
	if diff := cmp.Diff([]string{"market-mgmt", "public-culture-arts", "cultural-heritage"}, unreported); diff != "" {
		t.Errorf("unreported (-want +got):\n%s", diff)
	}
}

// TestAgendaRemindsTheMonthsReports: the agenda of 1 June carries May's
// reports; a section that marked May sent gets none; January's agenda
// carries none (December 2023 is no month of the plan).
func TestAgendaRemindsTheMonthsReports(t *testing.T) {
	e := engine(t, false)
	s := &remindd.State{MonthlyReports: []remindd.MonthlyReport{{Section: "industry-mgmt", Month: "2024-05"}}}
	ns, err := e.Evaluate(s, at9(time.June, 1), remindd.Agenda)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		has := n.Digest != nil && len(n.Digest.Reports) == 2 && n.Digest.Month == "2024-05"
		if want := n.Recipient.ID != "industry-mgmt"; has != want {
			t.Errorf("%s carries May's reports: %v, want %v", n.Key, has, want)
		}
	}
	ns, err = e.Evaluate(s, at9(time.January, 1), remindd.Agenda)
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range ns {
		if n.Digest != nil {
			t.Errorf("%s carries reports of %s", n.Key, n.Digest.Month)
		}
	}
}
