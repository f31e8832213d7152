package store_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// figuresOf is a section's figures for month: every column seed plus its
// position, so that a column read into another's place shows.
func figuresOf(section, month string, seed int64) remindd.MonthlyFigures {
	m, err := remindd.ParseMonth(month)
	if err != nil {
		panic(err)
	}
	f := remindd.MonthlyFigures{Section: section, Month: m, Values: map[string]int64{}, By: "林主任", Source: remindd.SourceImport}
	for i, c := range remindd.FigureColumns {
		f.Values[c.Key] = seed + int64(i)
	}
	return f
}

// TestFiguresPutGetReplace: figures come back as they were put, every
// column in its place; putting a section's month again replaces it.
func TestFiguresPutGetReplace(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		s.SetNow(func() time.Time { return at("2024-06-02 10:00:00") })
		may := figuresOf("industry-mgmt", "2024-05", 100)
		apr := figuresOf("industry-mgmt", "2024-04", 200)
		other := figuresOf("market-mgmt", "2024-05", 300)
		added, replaced, err := s.PutFigures(ctx, []remindd.MonthlyFigures{may, apr, other})
		if err != nil || added != 3 || replaced != 0 {
			t.Fatalf("PutFigures = %d added, %d replaced, %v; want 3, 0, nil", added, replaced, err)
		}
		got, ok, err := s.Figures(ctx, "industry-mgmt", may.Month)
		if err != nil || !ok {
			t.Fatalf("Figures = %v, %v", ok, err)
		}
		want := may
		want.At = at("2024-06-02 10:00:00").UTC()
		if d := cmp.Diff(want, got); d != "" {
			t.Errorf("Figures (-want +got):\n%s", d)
		}
		if _, ok, err := s.Figures(ctx, "industry-mgmt", remindd.Month{Year: 2024, Month: 6}); ok || err != nil {
			t.Errorf("Figures of June = %v, %v; want none", ok, err)
		}

		again := figuresOf("industry-mgmt", "2024-05", 7)
		again.Values[remindd.FineYuan] = 0
		if added, replaced, err := s.PutFigures(ctx, []remindd.MonthlyFigures{again}); err != nil || added != 0 || replaced != 1 {
			t.Fatalf("PutFigures again = %d, %d, %v; want 0, 1, nil", added, replaced, err)
		}
		got, _, _ = s.Figures(ctx, "industry-mgmt", may.Month)
		if got.Values["inspected"] != again.Values["inspected"] || got.Values[remindd.FineYuan] != 0 {
			t.Errorf("after replacing: %v", got.Values)
		}

		through, err := s.FiguresThrough(ctx, may.Month)
		if err != nil {
			t.Fatal(err)
		}
		var keys []string
		for _, f := range through {
			keys = append(keys, f.Section+" "+f.Month.String())
		}
		if d := cmp.Diff([]string{"industry-mgmt 2024-04", "industry-mgmt 2024-05", "market-mgmt 2024-05"}, keys); d != "" {
			t.Errorf("FiguresThrough May (-want +got):\n%s", d)
		}
		if through, _ := s.FiguresThrough(ctx, apr.Month); len(through) != 1 {
			t.Errorf("FiguresThrough April: %d rows, want 1", len(through))
		}
	})
}

// TestFiguresRefusedWhole: one bad row in a put writes nothing, and the
// error names the section, the month and the field.
func TestFiguresRefusedWhole(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		before := storetest.Dump(t, s)
		good := figuresOf("industry-mgmt", "2024-05", 1)
		for _, tc := range []struct {
			name string
			bad  func(*remindd.MonthlyFigures)
			want string
		}{
			{"negative", func(f *remindd.MonthlyFigures) { f.Values["hazards_found"] = -1 }, "hazards_found -1: a figure is 0 or more"},
			{"missing column", func(f *remindd.MonthlyFigures) { delete(f.Values, "site_5s") }, "site_5s: missing"},
			{"unknown column", func(f *remindd.MonthlyFigures) { f.Values["fines"] = 1 }, "fines: not a figure"},
			{"before the counting base", func(f *remindd.MonthlyFigures) { f.Month = remindd.Month{Year: 2021, Month: 7} }, "month 2021-07: the forms count from 2021-08 on"},
			{"too big", func(f *remindd.MonthlyFigures) { f.Values["closed"] = remindd.MaxFigure + 1 }, "closed 1000000000000: at most"},
		} {
			bad := figuresOf("market-mgmt", "2024-05", 1)
			bad.Values = maps(bad.Values)
			tc.bad(&bad)
			_, _, err := s.PutFigures(ctx, []remindd.MonthlyFigures{good, bad})
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.Contains(err.Error(), "market-mgmt") {
				t.Errorf("%s: err = %v, want one naming market-mgmt and %q", tc.name, err, tc.want)
			}
		}
		if d := cmp.Diff(before, storetest.Dump(t, s)); d != "" {
			t.Errorf("a refused put wrote (-before +after):\n%s", d)
		}
	})
}

// TestFiguresTableHasEveryColumn: monthly_figures has a column for each
// figure of remindd.FigureColumns on both backends, so that adding a
// figure without a migration fails here.
func TestFiguresTableHasEveryColumn(t *testing.T) {
	storetest.ForEach(t, func(t *testing.T, s *store.Store) {
		rows, err := s.DB().Query(`SELECT * FROM monthly_figures`)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range remindd.FigureColumns {
			if !slices.Contains(cols, c.Key) {
				t.Errorf("monthly_figures lacks %s", c.Key)
			}
		}
		if want := len(remindd.FigureColumns) + 5; len(cols) != want {
			t.Errorf("monthly_figures has %d columns, want %d: %v", len(cols), want, cols)
		}
	})
}

func maps(m map[string]int64) map[string]int64 {
	out := make(map[string]int64, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}
