package forms

import (
	"fmt"

	"github.com/remindd/remindd"
)

// Sheet is one form laid out as a grid, as the seed draws it: the
// attachment's name, the title, the header line, the table's heading rows,
// its data rows, and the notes. Rows and columns count from 0.
type Sheet struct {
	Name   string // 附件4 or 附件5: the sheet's name and the file's
	Title  string
	Header Header
	// Columns is the table's width; Widths each column's, in characters.
	Columns int
	Widths  []float64
	// Head are the heading cells, rows from the first heading row.
	Head     []Cell
	HeadRows int
	// Body are the data cells, rows from the first data row: a string for
	// a row's label, an int64 or float64 for a figure.
	Body     []Cell
	BodyRows int
	Notes    []string
}

// Cell is one cell of a sheet, spanning Rows × Cols (1 × 1 when 0).
type Cell struct {
	Row, Col   int
	Rows, Cols int
	Value      any
}

// FileName is the file a form is written to: 附件4-2024-05.xlsx for the
// bureau, 附件4-2024-05-行业管理科.xlsx for one section's part.
func (f *Forms) FileName(form string) string {
	name := form + "-" + f.Month.String()
	if f.SectionName != "" {
		name += "-" + f.SectionName
	}
	return name + ".xlsx"
}

// Sheets lays both forms out: 附件4, then 附件5.
func (f *Forms) Sheets() []Sheet { return []Sheet{f.sheet4(), f.sheet5()} }

func monthTitle(m remindd.Month) string { return fmt.Sprintf("（%d年%d月）", m.Year, int(m.Month)) }

// sheet4 is 附件4: 24 columns (A–X), three heading rows' worth in two, and
// three data rows per 填报单位类型.
func (f *Forms) sheet4() Sheet {
	s := Sheet{Name: remindd.Form4, Title: "晋江市安全生产标准化提升专项行动固本强基进展情况月报表（一）" + monthTitle(f.Month),
		Header: f.Header, Columns: 24, HeadRows: 2, BodyRows: 6, Notes: notes4}
	h := func(row, col, rows, cols int, v string) { s.Head = append(s.Head, Cell{row, col, rows, cols, v}) }
	h(0, 0, 2, 1, "填报单位类型")
	h(0, 1, 1, 4, "企业数量（家）")
	h(0, 5, 1, 5, "创建提升数量（家）")
	h(0, 10, 1, 2, "样板乡镇（街道、园区）数量（个）")
	h(0, 12, 1, 4, "标杆数量（家）")
	h(0, 16, 1, 3, "评审达标数量（家）")
	h(0, 19, 1, 5, "示范岗位（个）")
	for i, v := range []string{"总数", "规上企业", "中等企业", "小微企业", "达标类型", "一级企业", "二级企业", "三级企业", "自评企业",
		"样板层级", "样板个数", "标杆层级", "规上企业", "中等企业", "小微企业", "规上企业", "中等企业", "小微企业", "示范层级",
		"党员模范岗（个）", "青年突击手（个）", "工人先锋岗（个）", "巾帼示范岗（个）"} {
		h(1, i+1, 1, 1, v)
	}
	s.Widths = []float64{10, 7, 7, 7, 7, 13, 7, 7, 7, 7, 8, 8, 8, 7, 7, 7, 7, 7, 7, 8, 9, 9, 9, 9}
	for ui := range f.Units {
		u := &f.Units[ui]
		r := 3 * ui
		c := func(row, col, rows, cols int, v any) {
			s.Body = append(s.Body, Cell{r + row, col, rows, cols, v})
		}
		c(0, 0, 3, 1, UnitNames[ui])
		c(0, 1, 3, 1, u.Total())
		for i, n := range u.Enterprises {
			c(0, 2+i, 3, 1, n)
		}
		for t := range StdTypes {
			if t == 2 {
				c(t, 5, 1, 1, "地标（达标不分级）")
				c(t, 6, 1, 3, u.Created[2][0])
				c(t, 9, 1, 1, u.Created[2][3])
				continue
			}
			c(t, 5, 1, 1, StdTypes[t])
			for l := range Levels {
				c(t, 6+l, 1, 1, u.Created[t][l])
			}
		}
		for t, key := range []string{"sample_towns_city", "sample_towns_county", "sample_towns_township"} {
			c(t, 10, 1, 1, Tiers[t])
			c(t, 11, 1, 1, u.Figures[key])
		}
		for t := range 2 {
			rows := 1 + t // 县级 spans the last two rows: there is no 乡级 benchmark
			c(t, 12, rows, 1, Tiers[t])
			for i, n := range u.Benchmarks[t] {
				c(t, 13+i, rows, 1, n)
			}
		}
		for i, n := range u.Certified {
			c(0, 16+i, 3, 1, n)
		}
		for t := range Tiers {
			c(t, 19, 1, 1, Tiers[t])
			for k, n := range u.DemoPosts[t] {
				c(t, 20+k, 1, 1, n)
			}
		}
	}
	return s
}

// sheet5 is 附件5: 31 columns (A–AE), three heading rows, one data row per
// 填报单位类型.
func (f *Forms) sheet5() Sheet {
	s := Sheet{Name: remindd.Form5, Title: "晋江市安全生产标准化提升专项行动固本强基进展情况月报表（二）" + monthTitle(f.Month),
		Header: f.Header, Columns: 31, HeadRows: 3, BodyRows: 2, Notes: notes5}
	h := func(row, col, rows, cols int, v string) { s.Head = append(s.Head, Cell{row, col, rows, cols, v}) }
	h(0, 0, 3, 1, "填报单位类型")
	h(0, 1, 2, 4, "企业优化完善“四项规范”（份）")
	h(0, 5, 1, 10, "落实“一企一策”数量")
	h(0, 15, 1, 16, "执法激励约束")
	h(1, 5, 1, 3, "健全三张清单")
	h(1, 8, 1, 5, "四色安全风险分级动态监管")
	h(1, 13, 2, 1, "强化5S现场管理（家）")
	h(1, 14, 2, 1, "完善六有可视化警示标识（家）")
	h(1, 15, 2, 1, "检查企业（家次）")
	h(1, 16, 2, 1, "发现隐患（条）")
	h(1, 17, 2, 1, "督促整改隐患（条）")
	h(1, 18, 1, 3, "重大隐患挂牌督办")
	h(1, 21, 1, 2, "罚款")
	for i, v := range []string{"责令停产停业整顿（家次）", "暂扣或吊销证照企业（家次）", "取缔关闭企业（家次）", "移送司法机关（人次）",
		"曝光典型案例企业（家次）", "约谈警示企业（家次）", "激励单位（家次）", "约束单位（家次）"} {
		h(1, 23+i, 2, 1, v)
	}
	for i, v := range []string{"安全检查清单（份）", "安全风险管控导则（份）", "达标细则（份）", "提升指南（份）",
		"企业数量（家）", "自查隐患数量（条）", "整改隐患数量（条）",
		"企业数量（家）", "红色风险企业（家）", "橙色风险企业（家）", "黄色风险企业（家）", "蓝色风险企业（家）"} {
		h(2, 1+i, 1, 1, v)
	}
	for i, v := range []string{"企业数（家次）", "隐患数（条）", "整改数（条）", "企业数（家次）", "金额（万元）"} {
		h(2, 18+i, 1, 1, v)
	}
	s.Widths = make([]float64, s.Columns)
	for i := range s.Widths {
		s.Widths[i] = 8
	}
	s.Widths[0] = 10
	for ui := range f.Units {
		u := &f.Units[ui]
		s.Body = append(s.Body, Cell{Row: ui, Col: 0, Value: UnitNames[ui]})
		col := 1
		put := func(v any) {
			s.Body = append(s.Body, Cell{Row: ui, Col: col, Value: v})
			col++
		}
		for _, k := range []string{"spec_checklists", "spec_risk_guides", "spec_rules", "spec_guides",
			"lists_enterprises", "lists_hazards_found", "lists_hazards_fixed"} {
			put(u.Figures[k])
		}
		put(u.RiskTotal())
		for _, n := range u.Risk {
			put(n)
		}
		for _, k := range []string{"site_5s", "signs_6", "inspected", "hazards_found", "hazards_fixed",
			"major_enterprises", "major_hazards", "major_fixed", "fined"} {
			put(u.Figures[k])
		}
		put(float64(u.Figures[remindd.FineYuan]) / 10000) // 万元
		for _, k := range []string{"suspended", "licences", "closed", "prosecuted", "exposed", "warned", "rewarded", "restrained"} {
			put(u.Figures[k])
		}
	}
	return s
}

// The notes under the tables, the seed's words, one numbered note a line.
var notes4 = []string{
	"注：1.各填报单位按照各自所属的单位类型进行填报；",
	"2.市直单位填报的数据只填报本单位直接监管的企业固本强基进展情况（不含县级及以下的数据）；",
	"3.各县（市、区）填报的数据应包含本辖区各行业领域安全生产主管（监管）部门和乡镇（街道）的数据；",
	"4.自评企业指未经定级（达标）评审，只完成内部自评的企业；",
	"5.地标指的是晋江市本级地方标准，统一按不分级达标统计；",
	"6.事业单位生产经营规模参照我市“三类企业”进行划分，具体由市级行业主管（监管）部门确定；",
	"7.企业数量以2023年企业底数为基数，据实补缺补漏填报，创建提升数量、标杆数量填写2021年8月以来累计数，其余的填写2024年1月以来累计数；",
	"8.表格不应有空白处，若无则应填写0；",
	"9.每月3日前上报上一个月固本强基进展情况。",
}

var notes5 = []string{
	"注：1.各填报单位按照各自所属的单位类型进行填报；",
	"2.市直单位填报的数据只填报本单位直接监管的企业数据（不含县级及以下的数据），各县（市、区）填报的数据应包含本辖区各行业领域主管监管部门和乡镇（街道）的数据；",
	"3.落实“一企一策”数量一栏当中除自查隐患数量以及整改隐患数量外，各项数据从2021年8月份开始累计填报；落实“一企一策”数量一栏中自查隐患数量以及整改隐患数量、企业优化完善“四项规范”、执法激励约束等数据填报2024年1月以来累计数；",
	"4. 四色安全风险分级动态监管指的是对企业安全生产状况进行整体评估，按照“红、橙、黄、蓝”确定企业整体安全风险等级；",
	"5.表格不应有空白处，若无则应填写0；",
	"6.每月3日前上报上一个月进展情况。",
}
