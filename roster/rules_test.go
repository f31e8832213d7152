package roster_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/roster"
)

func TestRulesOfTheShippedPlan(t *testing.T) {
	p, err := plan.Load("../plans/jinjiang-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	want := roster.Rules{
		Sectors: []string{"tourism", "culture", "heritage-museums"},
		Sizes:   []string{"规上", "中等", "小微"},
		Trades:  []string{"危险物品", "矿山", "金属冶炼", "交通运输", "建筑施工", "粉尘涉爆", "有限空间", "涉氨制冷", "消防重点单位"},
	}
	if diff := cmp.Diff(want, roster.RulesOf(p)); diff != "" {
		t.Errorf("RulesOf (-want +got):\n%s", diff)
	}
}
