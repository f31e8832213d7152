package web

import (
	"bytes"
	"fmt"
	"html/template"

	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/schedule"
)

// A milestone chart shows one sector's standing against the plan's
// cumulative targets: for each metric a group of rows, one a milestone,
// each a bar as long as the year's target with the achieved count filled
// in and the required count marked by a line, coloured by where it stands.
// It is drawn on the server as inline SVG: no script, no image to fetch.
// Its legend is HTML (chartLegend), once per page, sized as the page's text.

// Where a milestone stands.
const (
	chartMet      = "met"      // green: achieved ≥ required
	chartLate     = "late"     // red: deadline passed, not met
	chartSoon     = "soon"     // yellow: deadline within chartSoonDays, not met
	chartUpcoming = "upcoming" // grey: later
)

// chartSoonDays is how near a deadline turns an unmet milestone yellow.
const chartSoonDays = 31

// standingStyle is how a standing is drawn and named.
type standingStyle struct {
	Key, Label, Fill string
}

// chartLegend lists the standings in the order the legend shows them.
var chartLegend = []standingStyle{
	{chartMet, "已达标", "#1a7f37"},
	{chartLate, "逾期未达标", "#b42318"},
	{chartSoon, "即将到期未达标", "#b07d00"},
	{chartUpcoming, "未到期", "#8c959f"},
}

func styleOf(key string) standingStyle {
	for _, s := range chartLegend {
		if s.Key == key {
			return s
		}
	}
	return chartLegend[len(chartLegend)-1]
}

// Geometry, in the SVG's user units. The chart scales to its box: on a
// 390 px phone a unit is about 0.85 px, so 14-unit text reads as 12 px.
const (
	chartWidth  = 420
	chartBarX   = 104 // bars start after the row's label
	chartBarW   = 262
	chartCountX = chartBarX + chartBarW + 8
	chartBarH   = 14
	chartRowH   = 28
	chartHeadH  = 30 // a metric's heading
)

// chart is a sector's milestone chart, laid out.
type chart struct {
	ID     string // unique in the page: "chart-" and the sector's id
	Title  string // what a screen reader says
	Width  int
	Height int
	Texts  []chartText
	Rows   []chartRow
}

// chartText is a line of text: a metric's heading, or why it has no rows.
type chartText struct {
	Y      int
	Text   string
	Strong bool
}

// chartRow is a milestone: its label, its bar and its counts.
type chartRow struct {
	Desc     string // the row in words (its tooltip)
	Standing string
	Fill     string
	Label    string // 5月底 20%
	Count    string // achieved/required
	TextY    int
	BarY     int
	DoneW    int // the achieved part of the bar, capped at the target
	MarkX    int // where the required count is
	MarkY1   int
	MarkY2   int
}

// milestoneChart lays out sector's chart from the milestones' standing as
// schedule's Status gives it, on day today.
func milestoneChart(p *plan.Plan, sector *plan.Sector, stats []schedule.MilestoneStat, today plan.Date) chart {
	c := chart{ID: "chart-" + sector.ID, Title: sector.Name + "：阶段目标完成情况", Width: chartWidth}
	y := 0
	for _, m := range p.Metrics {
		target := sector.Targets[m.ID]
		c.Texts = append(c.Texts, chartText{Y: y + 20, Text: fmt.Sprintf("%s · 年度目标 %d %s", m.Name, target, m.Unit), Strong: true})
		y += chartHeadH
		if target == 0 {
			c.Texts = append(c.Texts, chartText{Y: y + 16, Text: "年度目标为 0，不作要求"})
			y += chartRowH
			continue
		}
		for _, st := range stats {
			if st.Sector != sector.ID || st.Metric != m.ID {
				continue
			}
			s := styleOf(milestoneStanding(st, today))
			c.Rows = append(c.Rows, chartRow{
				Desc: fmt.Sprintf("第%d项：%d月底前完成年度目标的%d%%，要求%d%s，已完成%d%s，%s",
					st.Task, st.Due.Month, st.Percent, st.Required, m.Unit, st.Achieved, m.Unit, s.Label),
				Standing: s.Key,
				Fill:     s.Fill,
				Label:    fmt.Sprintf("%d月底 %d%%", st.Due.Month, st.Percent),
				Count:    fmt.Sprintf("%d/%d", st.Achieved, st.Required),
				TextY:    y + 17,
				BarY:     y + 5,
				DoneW:    barWidth(min(st.Achieved, target), target),
				MarkX:    chartBarX + barWidth(st.Required, target),
				MarkY1:   y + 1,
				MarkY2:   y + 5 + chartBarH + 4,
			})
			y += chartRowH
		}
	}
	c.Height = y + 4
	return c
}

// milestoneStanding is where a milestone stands on day today.
func milestoneStanding(st schedule.MilestoneStat, today plan.Date) string {
	switch {
	case st.Met:
		return chartMet
	case st.Due.Before(today):
		return chartLate
	case today.DaysUntil(st.Due) <= chartSoonDays:
		return chartSoon
	}
	return chartUpcoming
}

// barWidth is n of total as a part of the bar.
func barWidth(n, total int) int {
	if total <= 0 || n <= 0 {
		return 0
	}
	return (n*chartBarW + total/2) / total
}

// chartSVG draws a chart. html/template escapes the texts (a sector's
// name comes from the plan file); the numbers are the layout's.
var chartSVG = template.Must(template.New("chart").Parse(`<svg class="chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {{.Width}} {{.Height}}" role="img" aria-labelledby="{{.ID}}-title" font-family="system-ui, 'Noto Sans CJK SC', 'Microsoft YaHei', sans-serif" font-size="14">
<title id="{{.ID}}-title">{{.Title}}</title>
{{- range .Texts}}
<text x="0" y="{{.Y}}"{{if .Strong}} font-size="15" font-weight="600" fill="#1f2328"{{else}} fill="#59636e"{{end}}>{{.Text}}</text>
{{- end}}
{{- range .Rows}}
<g class="{{.Standing}}"><title>{{.Desc}}</title>
<text x="0" y="{{.TextY}}" fill="#1f2328">{{.Label}}</text>
<rect x="` + itoa(chartBarX) + `" y="{{.BarY}}" width="` + itoa(chartBarW) + `" height="` + itoa(chartBarH) + `" rx="3" fill="#e4e8ec"/>
{{- if .DoneW}}
<rect x="` + itoa(chartBarX) + `" y="{{.BarY}}" width="{{.DoneW}}" height="` + itoa(chartBarH) + `" rx="3" fill="{{.Fill}}"/>
{{- end}}
<line x1="{{.MarkX}}" y1="{{.MarkY1}}" x2="{{.MarkX}}" y2="{{.MarkY2}}" stroke="#1f2328" stroke-width="2"/>
<text x="` + itoa(chartCountX) + `" y="{{.TextY}}" font-weight="600" fill="{{.Fill}}">{{.Count}}</text>
</g>
{{- end}}
</svg>`))

// drawChart renders c as inline SVG.
func drawChart(c chart) (template.HTML, error) {
	var b bytes.Buffer
	if err := chartSVG.Execute(&b, c); err != nil {
		return "", fmt.Errorf("milestone chart %s: %w", c.ID, err)
	}
	return template.HTML(b.String()), nil
}

func itoa(n int) string { return fmt.Sprint(n) }
