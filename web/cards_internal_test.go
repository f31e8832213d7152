package web

import (
	"testing"
)

// TestCardSplicesTheName: a card from the cache is the card the template
// draws, whatever the reporter's name holds, on the first look and the
// next; a returned item's card has its reason.
func TestCardSplicesTheName(t *testing.T) {
	p, err := parsePages()
	if err != nil {
		t.Fatal(err)
	}
	h := &handler{pages: p}
	base := item{N: 44, ID: "44", Text: "督促、指导小微企业完成管理达标。<a>&", Due: "2024年5月31日", Colour: "blue", Badge: "还剩 7 天"}
	marked := base
	marked.N, marked.ID, marked.Text = 45, "45", "文中有\uE000标记"
	for _, it := range []item{marked, marked} {
		it.By = "王小明"
		got, err := h.card("item", it)
		if err != nil {
			t.Fatal(err)
		}
		if want, _ := h.drawCard("item", it); got != want {
			t.Errorf("a text with the mark: card\n%s\nwant\n%s", got, want)
		}
	}
	for _, by := range []string{"王小明", `<b>赵</b>`, `"x" onfocus='y'`, "a+b&c", "\x00nul", "", "\uE000 mark", "bad \xff utf-8"} {
		it := base
		it.By = by
		want, err := h.drawCard("item", it)
		if err != nil {
			t.Fatal(err)
		}
		for look := range 2 {
			got, err := h.card("item", it)
			if err != nil {
				t.Fatal(err)
			}
			if got != want {
				t.Errorf("by %q, look %d: card\n%s\nwant\n%s", by, look+1, got, want)
			}
		}
	}
	it := base
	it.By = "王小明"
	it.Returned = &returned{Reason: "请补充整改照片", By: "林主任", At: "2024年5月25日 10:00"}
	got, err := h.card("item", it)
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := h.drawCard("item", it); got != want {
		t.Errorf("returned item's card\n%s\nwant\n%s", got, want)
	}
	if len(h.cards.m) != 1 {
		t.Errorf("%d cards kept, want 1 (the returned item's is not)", len(h.cards.m))
	}
}
