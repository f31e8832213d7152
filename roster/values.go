package roster

import (
	"regexp"
	"slices"
	"strings"

	"golang.org/x/text/width"

	"github.com/remindd/remindd"
)

// narrowText maps full-width letters and digits (ＡＢ１２, as Chinese input
// methods type them) to ASCII, and the ideographic space to a space; with
// all, every full-width ASCII character (＠, ．, ：). Full-width brackets and
// punctuation in a name (晋江市（青阳）…) stay as they are.
func narrowText(s string, all bool) string {
	wide := false
	for _, r := range s {
		if r >= 0xFF01 && r <= 0xFF5E || r == 0x3000 {
			wide = true
			break
		}
	}
	if !wide {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		switch {
		case r == 0x3000:
			b.WriteByte(' ')
		case r >= 0xFF01 && r <= 0xFF5E && (all || isWideAlnum(r)):
			b.WriteRune(width.LookupRune(r).Narrow())
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func isWideAlnum(r rune) bool {
	return r >= '０' && r <= '９' || r >= 'Ａ' && r <= 'Ｚ' || r >= 'ａ' && r <= 'ｚ'
}

// excelNumberPattern is a long number as Excel shows it, 9.13505E+17.
var excelNumberPattern = regexp.MustCompile(`^[0-9]+(\.[0-9]+)?[eE]\+?[0-9]+$`)

// excelNumber reports whether a credit code cell is a number Excel
// mangled: scientific notation.
func excelNumber(s string) bool { return excelNumberPattern.MatchString(s) }

// sizeAliases are other names of the size classes.
var sizeAliases = map[string]string{
	"规模以上": "规上", "规模以上企业": "规上", "规上企业": "规上",
	"中等企业": "中等", "中等规模": "中等", "中等规模企业": "中等",
	"小微企业": "小微", "小型微型企业": "小微",
}

// sizeOf is the plan's size class a cell names, "" when none.
func sizeOf(v string, sizes []string) string {
	if slices.Contains(sizes, v) {
		return v
	}
	if s, ok := sizeAliases[v]; ok && slices.Contains(sizes, s) {
		return s
	}
	return ""
}

// sectorAliases are the names by which a cell may give each sector: its
// ID, its name, the name before its bracket (旅游行业) and that without 行业
// (旅游); a name two sectors share is left out.
func (r Rules) sectorAliases() map[string]string {
	out := map[string]string{}
	taken := map[string]bool{}
	put := func(alias, id string) {
		if alias == "" || taken[alias] {
			return
		}
		if other, ok := out[alias]; ok && other != id {
			delete(out, alias)
			taken[alias] = true
			return
		}
		out[alias] = id
	}
	for _, id := range r.Sectors {
		put(id, id)
	}
	for _, id := range r.Sectors {
		name := r.SectorNames[id]
		put(name, id)
		short := name
		if i := strings.IndexAny(short, "（("); i > 0 {
			short = strings.TrimSpace(short[:i])
		}
		put(short, id)
		put(strings.TrimSuffix(short, "行业"), id)
	}
	return out
}

// sector is the ID of the sector a cell names.
func (rd *reader) sector(v string) (string, bool) {
	if rd.sectors == nil {
		rd.sectors = rd.rules.sectorAliases()
	}
	id, ok := rd.sectors[v]
	if !ok {
		id, ok = rd.sectors[strings.ToLower(v)]
	}
	return id, ok
}

// sectorList names the sectors for a message: tourism (旅游行业), ….
func (r Rules) sectorList() string {
	names := make([]string, len(r.Sectors))
	for i, id := range r.Sectors {
		names[i] = id
		if name := r.SectorNames[id]; name != "" {
			short := name
			if j := strings.IndexAny(short, "（("); j > 0 {
				short = short[:j]
			}
			names[i] += " " + short
		}
	}
	return strings.Join(names, ", ")
}

// section is the section a cell names, by ID or name; nil when none.
func (r Rules) section(v string) *Section {
	for i := range r.Sections {
		if s := &r.Sections[i]; s.ID == v || s.Name == v {
			return s
		}
	}
	return nil
}

func (r Rules) sectionNames() string {
	names := make([]string, len(r.Sections))
	for i, s := range r.Sections {
		names[i] = s.Name
	}
	return strings.Join(names, ", ")
}

// attribute is one of the enterprise's attributes the monthly forms count,
// each a value of a short list.
type attribute struct {
	column  string
	values  []string          // the canonical values, as remindd stores them
	aliases map[string]string // other spellings → canonical value
	field   func(*remindd.Enterprise) *string
}

func (a attribute) canonical(v string) string {
	if slices.Contains(a.values, v) {
		return v
	}
	return a.aliases[strings.ToLower(v)]
}

// Attribute values: 附件4's 达标类型, 级别, 标杆层级 and 风险等级 (the
// four-colour risk grading: 红 重大, 橙 较大, 黄 一般, 蓝 低).
var (
	StdTypes       = []string{"国标", "省标", "地标"}
	Levels         = []string{"一级", "二级", "三级", "自评"}
	BenchmarkTiers = []string{"市级", "县级"}
	Risks          = []string{"红", "橙", "黄", "蓝"}
)

var attributes = []attribute{
	{colStdType, StdTypes, map[string]string{
		"国家标准": "国标", "省级标准": "省标", "地方标准": "地标",
		"national": "国标", "provincial": "省标", "local": "地标",
	}, func(e *remindd.Enterprise) *string { return &e.StdType }},
	{colLevel, Levels, map[string]string{
		"1级": "一级", "2级": "二级", "3级": "三级", "自评达标": "自评",
		"1": "一级", "2": "二级", "3": "三级", "self": "自评",
	}, func(e *remindd.Enterprise) *string { return &e.Level }},
	{colTier, BenchmarkTiers, map[string]string{
		"市级标杆": "市级", "县级标杆": "县级", "city": "市级", "county": "县级",
	}, func(e *remindd.Enterprise) *string { return &e.BenchmarkTier }},
	{colRisk, Risks, map[string]string{
		"红色": "红", "橙色": "橙", "黄色": "黄", "蓝色": "蓝",
		"重大风险": "红", "较大风险": "橙", "一般风险": "黄", "低风险": "蓝",
		"red": "红", "orange": "橙", "yellow": "黄", "blue": "蓝",
	}, func(e *remindd.Enterprise) *string { return &e.Risk }},
}
