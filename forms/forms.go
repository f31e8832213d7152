// Package forms builds and writes the monthly forms 附件4 and 附件5 of the
// plan (晋江市安全生产标准化提升专项行动固本强基进展情况月报表（一）and
// （二）): Build computes every figure of both for a month from the plan,
// the enterprises, the achievements and the figures sections entered, as a
// plain data model (Forms); Sheets lays each out cell by cell as the seed
// does; Files and Write produce 附件4-YYYY-MM.xlsx and 附件5-YYYY-MM.xlsx.
//
// Who fills what, as the seed's notes say it. Each 填报单位 fills the row of
// its own 单位类型 (note 1): the bureau is a 市直单位 and reports only the
// enterprises it supervises directly (附件4 note 2); the 县（市、区） row is
// for the county-level bureaus, which the plan knows as its external
// sections (task 45's 各县（市、区）文旅部门): their entered figures go
// there, and no enterprise of the roster does. The bureau's form is the sum
// of its sections': each section fills its sectors' part (行业管理科 the
// tourism sector, …), and `--section` gives one section's part alone.
//
// Where each figure comes from:
//
//   - 企业数量: the active enterprises of the sectors, by size class (总数
//     their sum), the roster as it stands (note 7: the 2023 base, kept up
//     to date).
//   - 创建提升数量: the enterprises by 达标类型 (国标/省标/地标) and 级别
//     (一级/二级/三级/自评), as the roster says; 地标 is counted without a
//     grade (note 5), its 一级–三级 cells merged into one.
//   - 样板乡镇数量: entered by the sections (3 figures, 市级/县级/乡级).
//   - 标杆数量: the enterprises the roster gives a 标杆层级 (市级/县级), and
//     the benchmark achievements of enterprises without one, counted 市级
//     (the bureau, a 市直单位, names them), by size; since 2021-08. The
//     table has no 乡级 benchmark: the 县级 row spans the block's last two
//     rows.
//   - 评审达标数量: the certified achievements since 2024-01, by size; the
//     table gives them no level, so one count per size spans the rows.
//   - 示范岗位: the demo posts since 2024-01 by kind, at 市级 (the store
//     holds no level for a post: 县级 and 乡级 are 0).
//   - 附件5's 四色 risk counts: the active enterprises by 风险等级, the
//     企业数量 their sum; every other 附件5 figure is entered.
//
// Entered figures are what happened in a month; a form adds the months
// from each column's counting base to the month it reports on (附件4 note
// 7, 附件5 note 3; remindd.FigureColumns says which base). Every data cell
// holds a number, 0 where there is nothing (附件4 note 8, 附件5 note 5), and
// totals are written as values, never formulas.
package forms

import (
	"context"
	"fmt"
	"slices"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// The form's words for the values Build counts by.
var (
	// Sizes are 附件4's size classes, in its column order.
	Sizes = [3]string{"规上", "中等", "小微"}
	// StdTypes are the 达标类型 rows; Levels the 创建提升 columns.
	StdTypes = [3]string{"国标", "省标", "地标"}
	Levels   = [4]string{"一级", "二级", "三级", "自评"}
	// Tiers are the 样板 and 示范 levels; benchmarks have the first two.
	Tiers = [3]string{"市级", "县级", "乡级"}
	// PostKinds are the demo post kinds, in 附件4's column order.
	PostKinds = [4]string{"党员模范岗", "青年突击手", "工人先锋岗", "巾帼示范岗"}
	// Risks are the four colours, in 附件5's column order.
	Risks = [4]string{"红", "橙", "黄", "蓝"}
)

// The rows' 填报单位类型.
const (
	CityDirect = iota // 市直单位
	County            // 县（市、区）
)

// UnitNames are the 填报单位类型 of the two row groups.
var UnitNames = [2]string{"市直单位", "县（市、区）"}

// Header is the line above a form's table.
type Header struct {
	Unit   string    // 填报单位
	Filler string    // 填表人
	Phone  string    // 联系电话
	Date   plan.Date // the date it is filled in; zero leaves 年 月 日 blank
}

// Unit is what one 填报单位类型 row group of both forms says.
type Unit struct {
	// Enterprises counts by size class (Sizes).
	Enterprises [3]int64
	// Created counts by 达标类型 (StdTypes) and level (Levels); 地标's
	// ungraded count is Created[2][0].
	Created [3][4]int64
	// Benchmarks counts by tier (市级, 县级) and size class.
	Benchmarks [2][3]int64
	// Certified counts by size class.
	Certified [3]int64
	// DemoPosts counts by tier (Tiers) and kind (PostKinds).
	DemoPosts [3][4]int64
	// Risk counts by colour (Risks).
	Risk [4]int64
	// Figures are the entered figures by key, each added up over its
	// counting base.
	Figures map[string]int64
}

// Total is 附件4's 总数: the enterprises of every size class.
func (u *Unit) Total() int64 { return u.Enterprises[0] + u.Enterprises[1] + u.Enterprises[2] }

// RiskTotal is 附件5's 四色 企业数量: the enterprises of every colour.
func (u *Unit) RiskTotal() int64 { return u.Risk[0] + u.Risk[1] + u.Risk[2] + u.Risk[3] }

// Forms are both forms of one month, for the bureau or one section.
type Forms struct {
	Month   remindd.Month
	Section string // "" for the bureau as a whole
	// SectionName is the section's name, "" for the bureau.
	SectionName string
	Header      Header
	Units       [2]Unit // CityDirect, County
	// Missing lists the sections (of the plan's own, not external) that
	// entered no figures for the month.
	Missing []string
	// Uncounted says what Build could not place in a cell and left out, in
	// English for the operator, such as an enterprise of 国标 with no 级别.
	Uncounted []string
}

// Input is what Build counts from.
type Input struct {
	Plan  *plan.Plan
	Month remindd.Month
	// Section is the section whose part to build, "" for the bureau.
	Section      string
	Header       Header
	Enterprises  []remindd.Enterprise
	Achievements []remindd.Achievement
	// Figures are the sections' entered figures; Build takes those of its
	// scope in each column's window.
	Figures []remindd.MonthlyFigures
}

// Build computes both forms of in.Month. It refuses a section the plan does
// not have, or a month before the forms' counting base.
func Build(in Input) (*Forms, error) {
	p := in.Plan
	if in.Month.Before(remindd.Since2021Aug) {
		return nil, fmt.Errorf("forms: month %s: the forms count from %s on", in.Month, remindd.Since2021Aug)
	}
	sectors := map[string]bool{}
	var sections []plan.Section
	if in.Section != "" {
		sec, ok := p.Section(in.Section)
		if !ok {
			return nil, fmt.Errorf("forms: section %q: not a section of the plan", in.Section)
		}
		sections = []plan.Section{*sec}
		for _, s := range p.SectorsOf(in.Section) {
			sectors[s.ID] = true
		}
	} else {
		sections = p.Sections
		for _, s := range p.Sectors {
			sectors[s.ID] = true
		}
	}
	f := &Forms{Month: in.Month, Section: in.Section, Header: in.Header}
	if in.Section != "" {
		f.SectionName = sections[0].Name
	}
	for i := range f.Units {
		f.Units[i].Figures = map[string]int64{}
	}
	if f.Header.Unit == "" {
		f.Header.Unit = p.Document.Issuer
		if in.Section != "" {
			f.Header.Unit += "（" + sections[0].Name + "）"
		}
	}
	b := builder{forms: f, uncounted: map[string]int{}}
	end := in.Month.Last()
	sizeOf := map[string]string{} // credit code → size class, for achievements without one
	tiered := map[string]bool{}   // credit codes counted as benchmarks from the roster
	city := &f.Units[CityDirect]
	for i := range in.Enterprises {
		e := &in.Enterprises[i]
		if !e.Active || !sectors[e.Sector] {
			continue
		}
		sizeOf[e.ID] = e.Size
		size, okSize := index(Sizes[:], e.Size)
		if okSize {
			city.Enterprises[size]++
		} else {
			b.skip("enterprises with a size class not 规上, 中等 or 小微 (企业数量)")
		}
		b.created(city, e)
		if e.BenchmarkTier != "" {
			tier, ok := index(Tiers[:2], e.BenchmarkTier)
			switch {
			case !ok:
				b.skip("enterprises whose 标杆层级 is not 市级 or 县级 (标杆数量)")
			case !okSize:
				b.skip("benchmark enterprises without a size class (标杆数量)")
			default:
				city.Benchmarks[tier][size]++
				tiered[e.ID] = true
			}
		}
		if e.Risk != "" {
			if r, ok := index(Risks[:], e.Risk); ok {
				city.Risk[r]++
			} else {
				b.skip("enterprises whose 风险等级 is not 红, 橙, 黄 or 蓝 (四色安全风险)")
			}
		}
	}
	benchmarked := map[string]bool{}
	for _, a := range in.Achievements {
		if !sectors[a.Sector] || end.Before(a.Date) {
			continue
		}
		size := a.Size
		if size == "" {
			size = sizeOf[a.Enterprise]
		}
		s, okSize := index(Sizes[:], size)
		switch a.Metric {
		case "benchmark":
			if a.Date.Before(remindd.Since2021Aug.First()) || tiered[a.Enterprise] || benchmarked[a.Enterprise] {
				continue
			}
			if !okSize {
				b.skip("benchmark achievements without a size class (标杆数量)")
				continue
			}
			city.Benchmarks[0][s]++
			if a.Enterprise != "" {
				benchmarked[a.Enterprise] = true
			}
		case "certified":
			if a.Date.Before(remindd.Since2024Jan.First()) {
				continue
			}
			if !okSize {
				b.skip("certified achievements without a size class (评审达标数量)")
				continue
			}
			city.Certified[s]++
		case remindd.MetricDemoPost:
			if a.Date.Before(remindd.Since2024Jan.First()) {
				continue
			}
			k, ok := index(PostKinds[:], a.PostKind)
			if !ok {
				b.skip("demo posts without a kind (示范岗位)")
				continue
			}
			city.DemoPosts[0][k]++
		}
	}
	entered := map[string]bool{}
	external := map[string]bool{}
	for _, s := range sections {
		entered[s.ID] = false
		external[s.ID] = s.External
	}
	for _, fig := range in.Figures {
		if _, ok := entered[fig.Section]; !ok || in.Month.Before(fig.Month) {
			continue
		}
		if fig.Month == in.Month {
			entered[fig.Section] = true
		}
		u := &f.Units[CityDirect]
		if external[fig.Section] {
			u = &f.Units[County]
		}
		for _, c := range remindd.FigureColumns {
			if !fig.Month.Before(c.Since) {
				u.Figures[c.Key] += fig.Values[c.Key]
			}
		}
	}
	for _, s := range sections {
		if !s.External && !entered[s.ID] {
			f.Missing = append(f.Missing, s.ID)
		}
	}
	f.Uncounted = b.report()
	return f, nil
}

// created counts e in 创建提升数量.
func (b *builder) created(u *Unit, e *remindd.Enterprise) {
	if e.StdType == "" && e.Level == "" {
		return
	}
	t, okType := index(StdTypes[:], e.StdType)
	l, okLevel := index(Levels[:], e.Level)
	switch {
	case !okType:
		b.skip("enterprises with a 级别 but no 达标类型 国标, 省标 or 地标 (创建提升数量)")
	case t == 2 && (e.Level == "" || okLevel && l < 3):
		u.Created[2][0]++ // 地标: 达标不分级
	case !okLevel:
		b.skip("enterprises whose 级别 is not 一级, 二级, 三级 or 自评 (创建提升数量)")
	default:
		u.Created[t][l]++
	}
}

type builder struct {
	forms     *Forms
	uncounted map[string]int
}

func (b *builder) skip(what string) { b.uncounted[what]++ }

func (b *builder) report() []string {
	var out []string
	for what, n := range b.uncounted {
		out = append(out, fmt.Sprintf("%d %s: not counted", n, what))
	}
	slices.Sort(out)
	return out
}

func index(list []string, v string) (int, bool) {
	i := slices.Index(list, v)
	return i, i >= 0
}

// Source is what Read reads from: the store.
type Source interface {
	Enterprises(ctx context.Context) ([]remindd.Enterprise, error)
	Achievements(ctx context.Context, planID string) ([]remindd.Achievement, error)
	FiguresThrough(ctx context.Context, through remindd.Month) ([]remindd.MonthlyFigures, error)
}

// Read builds both forms of month for section ("" for the bureau) from
// what src holds.
func Read(ctx context.Context, src Source, p *plan.Plan, month remindd.Month, section string, h Header) (*Forms, error) {
	in := Input{Plan: p, Month: month, Section: section, Header: h}
	var err error
	if in.Enterprises, err = src.Enterprises(ctx); err != nil {
		return nil, err
	}
	if in.Achievements, err = src.Achievements(ctx, p.ID); err != nil {
		return nil, err
	}
	if in.Figures, err = src.FiguresThrough(ctx, month); err != nil {
		return nil, err
	}
	return Build(in)
}
