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
		SectorNames: map[string]string{
			"tourism":          "旅游行业（含旅行社、星级饭店<酒店>）",
			"culture":          "文化行业（含互联网上网服务经营场所、娱乐场所和营业性演出、文化艺术经营活动等文化市场、图书馆、文化站<馆>等）",
			"heritage-museums": "文物和博物馆",
		},
		// Not 各县（市、区）文旅部门, outside the bureau: no roster files an
		// enterprise under it.
		Sections: []roster.Section{
			{ID: "industry-mgmt", Name: "行业管理科", Sectors: []string{"tourism"}},
			{ID: "market-mgmt", Name: "市场管理科", Sectors: []string{"culture"}},
			{ID: "public-culture-arts", Name: "公共文化和艺术科", Sectors: []string{"culture"}},
			{ID: "cultural-heritage", Name: "文化遗产科", Sectors: []string{"heritage-museums"}},
		},
	}
	if diff := cmp.Diff(want, roster.RulesOf(p)); diff != "" {
		t.Errorf("RulesOf (-want +got):\n%s", diff)
	}
}
