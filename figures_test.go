package remindd_test

import (
	"testing"

	"github.com/remindd/remindd"
)

// TestMonth: months parse only as YYYY-MM, and step and end as the calendar
// does (February of a leap year, December into January).
func TestMonth(t *testing.T) {
	for _, bad := range []string{"2024-5", "2024-13", "2024-00", "24-05", "2024/05", "２０２４-05", "2024-05-01", ""} {
		if m, err := remindd.ParseMonth(bad); err == nil {
			t.Errorf("ParseMonth(%q) = %v, want an error", bad, m)
		}
	}
	for _, tc := range []struct {
		in         string
		add        int
		then, last string
	}{
		{"2024-02", 0, "2024-02", "2024-02-29"},
		{"2023-02", 0, "2023-02", "2023-02-28"},
		{"2024-12", 1, "2025-01", "2025-01-31"},
		{"2024-01", -1, "2023-12", "2023-12-31"},
		{"2021-08", 29, "2024-01", "2024-01-31"},
	} {
		m, err := remindd.ParseMonth(tc.in)
		if err != nil {
			t.Fatal(err)
		}
		n := m.AddMonths(tc.add)
		if n.String() != tc.then || n.Last().String() != tc.last || n.First().Day != 1 {
			t.Errorf("%s + %d = %s ending %s, want %s ending %s", tc.in, tc.add, n, n.Last(), tc.then, tc.last)
		}
	}
	if !remindd.Since2021Aug.Before(remindd.Since2024Jan) || remindd.Since2024Jan.Before(remindd.Since2021Aug) {
		t.Error("Before: 2021-08 is before 2024-01, not after")
	}
}
