package web

import (
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

// BenchmarkRecipientTemplate draws a recipient page of 15 overdue items
// in 4 groups, 8 due this month, 18 later and 16 done, as recipientView
// and draw do: the cards from the cache, then the page's template; no
// store, no rules.
func BenchmarkRecipientTemplate(b *testing.B) {
	p, err := parsePages()
	if err != nil {
		b.Fatal(err)
	}
	h := &handler{pages: p}
	text := strings.Repeat("督促、指导企业完成管理达标，", 6)
	card := func(name string, it item) item {
		html, err := h.card(name, it)
		if err != nil {
			b.Fatal(err)
		}
		if name == "item" {
			it.Card = html
		} else {
			it.Check = html
		}
		return it
	}
	build := func() *recipientView {
		v := &recipientView{Name: "晋江市小浪花旅行社有限公司", Kind: "企业", Today: "2024年6月2日", By: "王小明", Confirm: true,
			CurrentDue: "2024年6月30日", Calendar: "/r/x/calendar.ics", Supervisors: []Contact{{Name: "行业管理科", Phone: "0595-85600001"}}}
		it := func(n int, colour, badge string) item {
			return item{N: n, ID: strconv.Itoa(n), Text: text, Due: "2024年3月31日", Colour: colour, Badge: badge, By: v.By}
		}
		for g := range 4 {
			gr := group{Due: "2024年3月31日", Badge: "已逾期 63 天", Colour: "red"}
			for i := range 4 {
				if len(v.Overdue) == 15 {
					break
				}
				x := card("item", it(g*10+i, "red", "已逾期 63 天"))
				x.Check = card("check", x).Check
				v.Overdue = append(v.Overdue, x)
				gr.Items = append(gr.Items, x)
			}
			v.Groups = append(v.Groups, gr)
		}
		for i := range 8 {
			v.Current = append(v.Current, card("item", it(50+i, "blue", "还剩 28 天")))
		}
		for i := range 18 {
			v.Later = append(v.Later, card("check-due", it(70+i, "grey", "还剩 90 天")))
		}
		for i := range 16 {
			head := card("done-head", item{N: 100 + i, ID: strconv.Itoa(100 + i), Text: text, Colour: "green", Badge: "已完成"})
			v.Done = append(v.Done, doneItem{N: 100 + i, Text: text, DoneAt: "2024年5月2日 09:00", By: "王小明", Source: "通过链接报告", Head: head.Check})
		}
		return v
	}
	var size int
	for b.Loop() {
		rec := httptest.NewRecorder()
		if err := h.draw(rec, httptest.NewRequest("GET", "/r/x", nil), 200, "recipient", "title", build()); err != nil {
			b.Fatal(err)
		}
		size = rec.Body.Len()
	}
	b.ReportMetric(float64(size), "bytes/page")
}
