// Package workday says which calendar days are working days in mainland
// China, honouring public holidays and make-up working days (调休), using the
// holiday tables compiled into github.com/6tail/lunar-go, and moves a date to
// the previous or next working day.
package workday

import (
	"fmt"
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"

	"github.com/remindd/remindd/plan"
)

// Calendar decides whether a day is a working day.
type Calendar interface {
	// IsWorkday reports whether d is a working day. It fails for a year the
	// calendar has no data for, rather than guessing.
	IsWorkday(d plan.Date) (bool, error)
}

// Everyday is the calendar used when working days are off: every day counts.
type Everyday struct{}

// IsWorkday is always true.
func (Everyday) IsWorkday(plan.Date) (bool, error) { return true, nil }

// China is the calendar of the State Council's holiday notices, as published
// in github.com/6tail/lunar-go.
type China struct{}

// Covers reports whether the holiday data includes year.
func (China) Covers(year int) bool {
	return HolidayUtil.GetHolidaysByYear(year).Len() > 0
}

// IsWorkday implements Calendar.
func (c China) IsWorkday(d plan.Date) (bool, error) {
	if !c.Covers(d.Year) {
		return false, fmt.Errorf("no Chinese holiday data for %d (github.com/6tail/lunar-go covers up to %d): update the module or turn working_days off", d.Year, c.LastYear())
	}
	if h := HolidayUtil.GetHolidayByYmd(d.Year, int(d.Month), d.Day); h != nil {
		return h.IsWork(), nil
	}
	wd := d.Weekday()
	return wd != time.Saturday && wd != time.Sunday, nil
}

// LastYear is the last year the holiday data covers.
func (c China) LastYear() int {
	y := 2100
	for y > 2001 && !c.Covers(y) {
		y--
	}
	return y
}

// maxSearch bounds the walk to a working day: the longest holiday run in the
// tables is well under this.
const maxSearch = 30

// Next returns d if it is a working day, else the first working day after it.
func Next(c Calendar, d plan.Date) (plan.Date, error) {
	return walk(c, d, 1)
}

// Prev returns d if it is a working day, else the last working day before it.
func Prev(c Calendar, d plan.Date) (plan.Date, error) {
	return walk(c, d, -1)
}

func walk(c Calendar, d plan.Date, step int) (plan.Date, error) {
	for i := 0; i < maxSearch; i++ {
		ok, err := c.IsWorkday(d)
		if err != nil {
			return plan.Date{}, err
		}
		if ok {
			return d, nil
		}
		d = d.AddDays(step)
	}
	return plan.Date{}, fmt.Errorf("no working day within %d days of %s", maxSearch, d)
}
