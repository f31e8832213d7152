package web

import (
	"encoding/xml"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/schedule"
)

var updateCharts = flag.Bool("update-charts", false, "rewrite the milestone charts' golden files under testdata/")

// chartStats is the milestones' standing on 24 May 2024 (or at) with
// tourism's five demo posts and one certified enterprise recorded.
func chartStats(t *testing.T, at time.Time) (*plan.Plan, []schedule.MilestoneStat) {
	t.Helper()
	p, err := plan.Load("../plans/jinjiang-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	c := config.Default()
	state := &remindd.State{}
	may10 := plan.Date{Year: 2024, Month: time.May, Day: 10}
	for _, name := range []string{"甲", "乙", "丙", "丁", "戊"} {
		state.Achievements = append(state.Achievements, remindd.Achievement{Sector: "tourism", Metric: "demo_post", Name: name, Date: may10})
	}
	state.Achievements = append(state.Achievements, remindd.Achievement{Sector: "tourism", Metric: "certified", Name: "己", Date: may10})
	return p, schedule.New(p, &c).Status(state, at).Milestones
}

func TestMilestoneChartGolden(t *testing.T) {
	at := time.Date(2024, 5, 24, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	p, stats := chartStats(t, at)
	for _, id := range []string{"tourism", "heritage-museums"} {
		sector, _ := p.Sector(id)
		svg, err := drawChart(milestoneChart(p, sector, stats, plan.DateOf(at)))
		if err != nil {
			t.Fatal(err)
		}
		golden := filepath.Join("testdata", "chart-"+id+".svg")
		if *updateCharts {
			if err := os.MkdirAll("testdata", 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(golden, []byte(svg), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatalf("%v (run go test ./web -run TestMilestoneChartGolden -update-charts)", err)
		}
		if diff := cmp.Diff(string(want), string(svg)); diff != "" {
			t.Errorf("%s chart (-want +got):\n%s", id, diff)
		}
	}
}

// svgDoc is the part of a chart a reader checks: well-formed XML, with a
// title and one group a milestone.
type svgDoc struct {
	XMLName xml.Name `xml:"svg"`
	ViewBox string   `xml:"viewBox,attr"`
	Title   string   `xml:"title"`
	Rows    []struct {
		Class string `xml:"class,attr"`
		Title string `xml:"title"`
		Rects []struct {
			Width int    `xml:"width,attr"`
			Fill  string `xml:"fill,attr"`
		} `xml:"rect"`
		Texts []string `xml:"text"`
	} `xml:"g"`
}

func TestMilestoneChartStandings(t *testing.T) {
	for _, tc := range []struct {
		name string
		at   time.Time
		want []string // tourism's rows: milestone task, standing, count
	}{
		{"24 May: May's due within the month", time.Date(2024, 5, 24, 9, 0, 0, 0, time.UTC), []string{
			"49 soon 0/1", "74 upcoming 0/1",
			"50 met 1/1", "75 upcoming 1/2", "85 upcoming 1/2", "96 upcoming 1/2", "106 upcoming 1/2",
			"51 met 5/5", "76 upcoming 5/13", "86 upcoming 5/18", "97 upcoming 5/22", "107 upcoming 5/25",
		}},
		{"3 June: May's unmet are late", time.Date(2024, 6, 3, 9, 0, 0, 0, time.UTC), []string{
			"49 late 0/1", "74 upcoming 0/1",
			"50 met 1/1", "75 upcoming 1/2", "85 upcoming 1/2", "96 upcoming 1/2", "106 upcoming 1/2",
			"51 met 5/5", "76 upcoming 5/13", "86 upcoming 5/18", "97 upcoming 5/22", "107 upcoming 5/25",
		}},
		{"10 July: July's due within the month", time.Date(2024, 7, 10, 9, 0, 0, 0, time.UTC), []string{
			"49 late 0/1", "74 soon 0/1",
			"50 met 1/1", "75 soon 1/2", "85 upcoming 1/2", "96 upcoming 1/2", "106 upcoming 1/2",
			"51 met 5/5", "76 soon 5/13", "86 upcoming 5/18", "97 upcoming 5/22", "107 upcoming 5/25",
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, stats := chartStats(t, tc.at)
			sector, _ := p.Sector("tourism")
			svg, err := drawChart(milestoneChart(p, sector, stats, plan.DateOf(tc.at)))
			if err != nil {
				t.Fatal(err)
			}
			var doc svgDoc
			if err := xml.Unmarshal([]byte(svg), &doc); err != nil {
				t.Fatalf("not well-formed SVG: %v\n%s", err, svg)
			}
			if !strings.Contains(doc.Title, "旅游行业") || !strings.HasPrefix(doc.ViewBox, "0 0 420 ") {
				t.Errorf("title %q, viewBox %q", doc.Title, doc.ViewBox)
			}
			var got []string
			for _, r := range doc.Rows {
				task := strings.TrimPrefix(strings.SplitN(r.Title, "：", 2)[0], "第")
				task = strings.TrimSuffix(task, "项")
				got = append(got, task+" "+r.Class+" "+r.Texts[1])
				if len(r.Rects) == 2 && r.Rects[1].Fill != styleOf(r.Class).Fill {
					t.Errorf("row %s: fill %s, want %s", r.Title, r.Rects[1].Fill, styleOf(r.Class).Fill)
				}
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("rows (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMilestoneChartEscapesNames(t *testing.T) {
	p, stats := chartStats(t, time.Date(2024, 5, 24, 9, 0, 0, 0, time.UTC))
	sector := &plan.Sector{ID: "x", Name: `<script>alert(1)</script>&"`, Targets: map[string]int{"benchmark": 1}}
	svg, err := drawChart(milestoneChart(p, sector, stats, plan.Date{Year: 2024, Month: 5, Day: 24}))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(svg), "<script>") {
		t.Errorf("the name is not escaped:\n%s", svg)
	}
	var doc svgDoc
	if err := xml.Unmarshal([]byte(svg), &doc); err != nil {
		t.Fatalf("not well-formed: %v\n%s", err, svg)
	}
}

func TestBarWidth(t *testing.T) {
	for _, tc := range []struct{ n, total, want int }{
		{0, 25, 0}, {5, 25, 52}, {25, 25, chartBarW}, {1, 1, chartBarW}, {1, 0, 0}, {-1, 5, 0}, {1, 3, 87},
	} {
		if got := barWidth(tc.n, tc.total); got != tc.want {
			t.Errorf("barWidth(%d, %d) = %d, want %d", tc.n, tc.total, got, tc.want)
		}
	}
}
