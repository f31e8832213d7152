package workday_test

import (
	"testing"
	"time"

	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/workday"
)

func d(m time.Month, day int) plan.Date { return plan.Date{Year: 2024, Month: m, Day: day} }

func TestChinaWorkdays(t *testing.T) {
	cases := []struct {
		name string
		day  plan.Date
		want bool
	}{
		{"ordinary Friday", d(5, 10), true},
		{"ordinary Sunday", d(6, 2), false},
		{"Labour Day", d(5, 1), false},
		{"make-up Sunday before Labour Day", d(4, 28), true},
		{"make-up Saturday after Labour Day", d(5, 11), true},
		{"National Day", d(10, 1), false},
		{"last day of National Day holiday", d(10, 7), false},
		{"make-up Sunday before National Day", d(9, 29), true},
		{"make-up Saturday after National Day", d(10, 12), true},
	}
	for _, tc := range cases {
		got, err := workday.China{}.IsWorkday(tc.day)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s %s: working %v, want %v", tc.name, tc.day, got, tc.want)
		}
	}
}

func TestNextAndPrev(t *testing.T) {
	cal := workday.China{}
	for _, tc := range []struct {
		name string
		from plan.Date
		prev bool
		want plan.Date
	}{
		{"2 October forward to 8 October", d(10, 2), false, d(10, 8)},
		{"1 May back to 30 April", d(5, 1), true, d(4, 30)},
		{"Sunday 30 June back to Friday", d(6, 30), true, d(6, 28)},
		{"a working day stays", d(6, 3), false, d(6, 3)},
	} {
		f := workday.Next
		if tc.prev {
			f = workday.Prev
		}
		got, err := f(cal, tc.from)
		if err != nil {
			t.Fatal(err)
		}
		if got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestUncoveredYearFailsLoudly(t *testing.T) {
	cal := workday.China{}
	last := cal.LastYear()
	if last < 2025 {
		t.Fatalf("holiday data ends in %d; the 2024 plan needs 2025", last)
	}
	if _, err := cal.IsWorkday(plan.Date{Year: last + 1, Month: 5, Day: 1}); err == nil {
		t.Errorf("year %d has no data but was accepted", last+1)
	}
	if _, err := workday.Next(cal, plan.Date{Year: last + 1, Month: 1, Day: 1}); err == nil {
		t.Errorf("Next in an uncovered year succeeded")
	}
}
