package remindd

import (
	"fmt"
	"strconv"
	"time"

	"github.com/remindd/remindd/plan"
)

// Month is a calendar month, such as the month a monthly form reports on.
type Month struct {
	Year  int
	Month time.Month
}

// ParseMonth reads a month written YYYY-MM, such as 2024-05: four digits, a
// hyphen, two digits.
func ParseMonth(s string) (Month, error) {
	bad := fmt.Errorf("%q: want a month written YYYY-MM, such as 2024-05", s)
	if len(s) != 7 || s[4] != '-' {
		return Month{}, bad
	}
	for i, c := range []byte(s) {
		if i != 4 && (c < '0' || c > '9') {
			return Month{}, bad
		}
	}
	y, _ := strconv.Atoi(s[:4])
	m, _ := strconv.Atoi(s[5:])
	if y < 1 || m < 1 || m > 12 {
		return Month{}, bad
	}
	return Month{Year: y, Month: time.Month(m)}, nil
}

// MonthOf is the month of d.
func MonthOf(d plan.Date) Month { return Month{Year: d.Year, Month: d.Month} }

func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year, int(m.Month)) }

// IsZero reports whether m is the zero month.
func (m Month) IsZero() bool { return m == Month{} }

// Index counts months from year 0, so that months compare as numbers.
func (m Month) Index() int { return m.Year*12 + int(m.Month) - 1 }

// Before reports whether m is earlier than n.
func (m Month) Before(n Month) bool { return m.Index() < n.Index() }

// AddMonths is the month n months after m (before it for a negative n).
func (m Month) AddMonths(n int) Month {
	i := m.Index() + n
	return Month{Year: i / 12, Month: time.Month(i%12 + 1)}
}

// First is m's first day.
func (m Month) First() plan.Date { return plan.Date{Year: m.Year, Month: m.Month, Day: 1} }

// Last is m's last day.
func (m Month) Last() plan.Date { return m.AddMonths(1).First().AddDays(-1) }

// Forms the monthly figures go to: the seed's 附件4 and 附件5.
const (
	Form4 = "附件4"
	Form5 = "附件5"
)

// The counting bases of the forms' notes (附件4 note 7, 附件5 note 3): a
// column counts everything since August 2021, or since January 2024.
var (
	Since2021Aug = Month{Year: 2021, Month: time.August}
	Since2024Jan = Month{Year: 2024, Month: time.January}
)

// FigureColumn is one figure a section enters for each month: one the store
// cannot know, such as the hazards its inspections found. What a section
// enters for a month is what happened in that month; a form adds the months
// from the column's counting base (Since) to the month it reports on.
type FigureColumn struct {
	// Key names the column in the store and in a figures CSV's header.
	Key string `json:"key"`
	// Group and Label are the form's words: the heading the column sits
	// under ("" for none) and the column's own, with its unit.
	Group string `json:"group,omitempty"`
	Label string `json:"label"`
	// Form is the form the column appears in: Form4 or Form5.
	Form string `json:"form"`
	// Since is the counting base.
	Since Month `json:"-"`
}

// Name is the column's Chinese name, its group and label: what a figures
// CSV may write in its header instead of the key.
func (c FigureColumn) Name() string {
	if c.Group == "" {
		return c.Label
	}
	return c.Group + c.Label
}

// FineYuan is the key of the fines' amount: entered in yuan (元), an integer,
// and shown on 附件5 in 万元 as the form asks.
const FineYuan = "fine_yuan"

// FigureColumns lists the figures a section enters, in the forms' order:
// 附件4's 样板乡镇 counts, then 附件5's columns that no table holds (附件5's
// 四色 risk counts are the enterprises' risk colours, counted from the
// roster). The counting bases follow the notes: 附件4 note 7 counts
// 创建提升 and 标杆 since 2021-08 (neither is entered) and the rest since
// 2024-01; 附件5 note 3 counts 一企一策's columns since 2021-08 except its
// self-found and fixed hazards, and 四项规范 and 执法激励约束 since 2024-01.
var FigureColumns = []FigureColumn{
	{"sample_towns_city", "样板乡镇（街道、园区）数量", "市级（个）", Form4, Since2024Jan},
	{"sample_towns_county", "样板乡镇（街道、园区）数量", "县级（个）", Form4, Since2024Jan},
	{"sample_towns_township", "样板乡镇（街道、园区）数量", "乡级（个）", Form4, Since2024Jan},

	{"spec_checklists", "企业优化完善“四项规范”", "安全检查清单（份）", Form5, Since2024Jan},
	{"spec_risk_guides", "企业优化完善“四项规范”", "安全风险管控导则（份）", Form5, Since2024Jan},
	{"spec_rules", "企业优化完善“四项规范”", "达标细则（份）", Form5, Since2024Jan},
	{"spec_guides", "企业优化完善“四项规范”", "提升指南（份）", Form5, Since2024Jan},

	{"lists_enterprises", "健全三张清单", "企业数量（家）", Form5, Since2021Aug},
	{"lists_hazards_found", "健全三张清单", "自查隐患数量（条）", Form5, Since2024Jan},
	{"lists_hazards_fixed", "健全三张清单", "整改隐患数量（条）", Form5, Since2024Jan},
	{"site_5s", "", "强化5S现场管理（家）", Form5, Since2021Aug},
	{"signs_6", "", "完善六有可视化警示标识（家）", Form5, Since2021Aug},

	{"inspected", "", "检查企业（家次）", Form5, Since2024Jan},
	{"hazards_found", "", "发现隐患（条）", Form5, Since2024Jan},
	{"hazards_fixed", "", "督促整改隐患（条）", Form5, Since2024Jan},
	{"major_enterprises", "重大隐患挂牌督办", "企业数（家次）", Form5, Since2024Jan},
	{"major_hazards", "重大隐患挂牌督办", "隐患数（条）", Form5, Since2024Jan},
	{"major_fixed", "重大隐患挂牌督办", "整改数（条）", Form5, Since2024Jan},
	{"fined", "罚款", "企业数（家次）", Form5, Since2024Jan},
	{FineYuan, "罚款", "金额（元）", Form5, Since2024Jan},
	{"suspended", "", "责令停产停业整顿（家次）", Form5, Since2024Jan},
	{"licences", "", "暂扣或吊销证照企业（家次）", Form5, Since2024Jan},
	{"closed", "", "取缔关闭企业（家次）", Form5, Since2024Jan},
	{"prosecuted", "", "移送司法机关（人次）", Form5, Since2024Jan},
	{"exposed", "", "曝光典型案例企业（家次）", Form5, Since2024Jan},
	{"warned", "", "约谈警示企业（家次）", Form5, Since2024Jan},
	{"rewarded", "", "激励单位（家次）", Form5, Since2024Jan},
	{"restrained", "", "约束单位（家次）", Form5, Since2024Jan},
}

// FigureColumnOf returns the column with the given key.
func FigureColumnOf(key string) (FigureColumn, bool) {
	for _, c := range FigureColumns {
		if c.Key == key {
			return c, true
		}
	}
	return FigureColumn{}, false
}

// MaxFigure bounds a figure: far above any count a county's section keeps,
// low enough that a sum of every section's months cannot overflow.
const MaxFigure = 999_999_999_999

// MonthlyFigures are the figures one section entered for one month: a value
// for every key of FigureColumns, each 0 or more.
type MonthlyFigures struct {
	Section string           `json:"section"`
	Month   Month            `json:"-"`
	Values  map[string]int64 `json:"values"`
	// By, Source and At say who entered them, how (SourceDesk,
	// SourceImport, …) and when; the store sets At.
	By     string    `json:"by,omitempty"`
	Source string    `json:"source,omitempty"`
	At     time.Time `json:"at,omitzero"`
}

// Check reports the first thing in f that no store holds, or nil: no
// section or month, a key FigureColumns lacks, a column without a value, a
// value below 0 or above MaxFigure, or a "by" the completions' check
// refuses. Fields are named by name (a value by its key).
func (f *MonthlyFigures) Check(name Namer) error {
	if f.Section == "" {
		return fmt.Errorf("%s: missing", name.name("section"))
	}
	if f.Month.IsZero() {
		return fmt.Errorf("%s: missing", name.name("month"))
	}
	if f.Month.Before(Since2021Aug) {
		return fmt.Errorf("%s %s: the forms count from %s on", name.name("month"), f.Month, Since2021Aug)
	}
	for k := range f.Values {
		if _, ok := FigureColumnOf(k); !ok {
			return fmt.Errorf("%s: not a figure of the forms", name.name(k))
		}
	}
	for _, c := range FigureColumns {
		v, ok := f.Values[c.Key]
		switch {
		case !ok:
			return fmt.Errorf("%s: missing (write 0 where there is nothing)", name.name(c.Key))
		case v < 0:
			return fmt.Errorf("%s %d: a figure is 0 or more", name.name(c.Key), v)
		case v > MaxFigure:
			return fmt.Errorf("%s %d: at most %d", name.name(c.Key), v, int64(MaxFigure))
		}
	}
	c := Completion{By: f.By}
	return c.Check(name)
}
