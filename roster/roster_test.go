package roster_test

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/creditcode"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/roster"
)

// rules is the shipped plan's vocabulary, written out so that these tests do
// not depend on the plan file.
var rules = roster.Rules{
	Sectors: []string{"tourism", "culture", "heritage-museums"},
	Sizes:   []string{"规上", "中等", "小微"},
	Trades:  []string{"危险物品", "矿山", "金属冶炼", "交通运输", "建筑施工", "粉尘涉爆", "有限空间", "涉氨制冷", "消防重点单位"},
}

func readFile(t *testing.T, name string) ([]remindd.Enterprise, error) {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	return roster.Read(name, f, rules)
}

func TestReadGood(t *testing.T) {
	tests := []struct {
		file string
		want []remindd.Enterprise
	}{
		{
			// BOM, CRLF, Chinese headers in another order, quoted cells with
			// a comma and with doubled quotes, spaces around cells, trades
			// split by 、 ； and ; with a repeat, 是/否/empty for active.
			file: "good.csv",
			want: []remindd.Enterprise{
				{
					ID: "91350582MAD1A5PN7M", Name: "晋江市海风旅行社有限公司,青阳分社",
					Sector: "tourism", Size: "小微", Contact: "林海",
					Email: "safety@haifeng.example.com", Mobile: "13805950001", Active: true,
				},
				{
					ID: "91350582408109050N", Name: `晋江市"星光"网络会所有限公司`,
					Sector: "culture", Size: "中等", Trades: []string{"消防重点单位", "有限空间"},
					Contact: "陈星", Mobile: "13805950002",
					Webhook: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test", Active: false,
				},
				{
					ID: "91350582MA7C8W5708", Name: "晋江市古窑文化博物馆有限公司",
					Sector: "heritage-museums", Size: "规上", Trades: []string{"有限空间", "危险物品"},
					Contact: "王建", Webhook: "http://127.0.0.1:9000/hook", Active: true,
				},
			},
		},
		{
			// Required columns only, a mixed-case English header, a blank
			// line and a row of empty cells.
			file: "good-english.csv",
			want: []remindd.Enterprise{
				{ID: "91350582MACB352E6G", Name: "晋江市紫云山风景区旅游有限公司", Sector: "tourism", Size: "规上", Active: true},
				{ID: "91350582830709174C", Name: "晋江市声海歌舞娱乐有限公司", Sector: "culture", Size: "小微", Active: true},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := readFile(t, tt.file)
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("enterprises (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadBad(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"bad-checkchar.csv", []string{
			// A line break is no part of a one-line cell: it is refused
			// where the cell starts.
			"bad-checkchar.csv line 2: contact: character 3 is U+000A (LINE FEED), a control character; remove it (a cell is one line of plain text)",
			// Line 4 is the third record: the second spans lines 2–3.
			"bad-checkchar.csv line 4: credit_code: check character is 3, want 7",
		}},
		{"bad-sector.csv", []string{
			`bad-sector.csv line 2: sector: "hotel" is not a sector of the plan (tourism, culture, heritage-museums)`,
			`bad-sector.csv line 4: sector: "文物和博物馆" is not a sector of the plan (tourism, culture, heritage-museums)`,
		}},
		{"bad-email.csv", []string{
			`bad-email.csv line 2: email: "林海 <safety@haifeng.example.com>" is not a bare address; write only safety@haifeng.example.com`,
			`bad-email.csv line 3: email: "xingguang.example.com" is not an email address`,
		}},
		{"bad-duplicate.csv", []string{
			"bad-duplicate.csv line 4: credit_code: 91350582MAD1A5PN7M is already on line 2",
		}},
		{"bad-missing-column.csv", []string{
			"bad-missing-column.csv line 1: size: required column is missing (header size or 规模)",
		}},
		{"bad-header.csv", []string{
			"bad-header.csv line 1: email: column appears twice (columns 6 and 7)",
			"bad-header.csv line 1: column 8 has no name",
		}},
		{"bad-rows.csv", []string{
			"bad-rows.csv line 2: credit_code: character 9 is lower-case 'm', codes use upper case",
			"bad-rows.csv line 3: credit_code: code has 16 characters, want 18",
			"bad-rows.csv line 3: name: missing",
			`bad-rows.csv line 3: size: "大型" is not a size class of the plan (规上, 中等, 小微)`,
			`bad-rows.csv line 3: trades: "娱乐场所" is not a trade of the plan (危险物品, 矿山, 金属冶炼, 交通运输, 建筑施工, 粉尘涉爆, 有限空间, 涉氨制冷, 消防重点单位)`,
			`bad-rows.csv line 3: mobile: "1380595000" is not an 11-digit mobile number starting with 1`,
			`bad-rows.csv line 3: webhook: http://robot.example.com/… uses http://, allowed only for localhost and 127.0.0.1; use https://`,
			`bad-rows.csv line 3: active: "maybe" is not one of true, false, 1, 0, 是, 否`,
			`bad-rows.csv line 4: mobile: "23805950003" is not an 11-digit mobile number starting with 1`,
			`bad-rows.csv line 4: webhook: ftp://robot.example.com/… is not an https:// URL`,
			"bad-rows.csv line 5: row has 4 columns, header has 10",
			"bad-rows.csv line 6: credit_code: missing",
			"bad-rows.csv line 6: size: missing",
			`bad-rows.csv line 6: webhook: is not an https:// URL such as https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…`,
		}},
		{"bad-quote.csv", []string{
			`bad-quote.csv line 3: bare " in non-quoted-field at byte 29; put the cell in double quotes and double the quotes inside ("a ""b"" c")`,
		}},
		{"bad-mixed.csv", []string{
			// UTF-8 but for two bytes: read as GB18030, the header is
			// mojibake, and the problem is said as such.
			"bad-mixed.csv line 2: is not UTF-8, so the file was read as GB18030/GBK, and then its header names no column remindd knows: the file mixes encodings; save it again as UTF-8 (in Excel: CSV UTF-8) or as .xlsx",
		}},
		{"bad-encoding.csv", []string{
			// Neither UTF-8 nor GB18030: read as GB18030, the bytes are lost.
			"bad-encoding.csv line 2: name: holds U+FFFD (\ufffd) read as GB18030/GBK, as the file was read because line 1 is not UTF-8: the file mixes encodings or is neither; save it again as UTF-8 (in Excel: CSV UTF-8) or as .xlsx",
		}},
		{"empty.csv", []string{
			"empty.csv: file is empty, want a header row and one row per enterprise",
		}},
		{"header-only.csv", []string{
			"header-only.csv: no enterprises after the header row",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			got, err := readFile(t, tt.file)
			if got != nil {
				t.Errorf("Read returned %d enterprises from a bad file, want none", len(got))
			}
			var ps roster.Problems
			if !errors.As(err, &ps) {
				t.Fatalf("Read error = %v (%T), want roster.Problems", err, err)
			}
			if diff := cmp.Diff(tt.want, strings.Split(err.Error(), "\n")); diff != "" {
				t.Errorf("problems (-want +got):\n%s", diff)
			}
		})
	}
}

func TestReadInline(t *testing.T) {
	const header = "credit_code,name,contact,sector,size,email\n"
	tests := []struct {
		name, in, want string
	}{
		{
			// A cell spanning lines moves every later cell's line, and a
			// problem is reported on the line where its own cell starts.
			"email after a cell spanning three lines",
			header + "91350582MAD1A5PN7M,晋江市海风旅行社有限公司,\"林海\n（值班）\n\",tourism,小微,nobody\n",
			"in.csv line 2: contact: character 3 is U+000A (LINE FEED), a control character; remove it (a cell is one line of plain text)\n" +
				`in.csv line 4: email: "nobody" is not an email address`,
		},
		{
			"header that cannot be parsed",
			"credit_code,na\"me,sector,size\n91350582MAD1A5PN7M,晋江市海风旅行社有限公司,tourism,小微\n",
			`in.csv line 1: bare " in non-quoted-field at byte 15; put the cell in double quotes and double the quotes inside ("a ""b"" c")`,
		},
		{
			"header after blank lines",
			"\n\ncredit_code,name,sector\n91350582MAD1A5PN7M,晋江市海风旅行社有限公司,tourism\n",
			"in.csv line 3: size: required column is missing (header size or 规模)",
		},
		{
			"quoted field never closed",
			header + "91350582MAD1A5PN7M,\"晋江市海风旅行社有限公司,,tourism,小微,\n",
			`in.csv line 2: extraneous or missing " in quoted-field at byte 75`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := roster.Read("in.csv", strings.NewReader(tt.in), rules)
			if err == nil || err.Error() != tt.want {
				t.Errorf("Read error = %v\nwant %s", err, tt.want)
			}
		})
	}
}

func TestReadStopsListingAfterMax(t *testing.T) {
	var b strings.Builder
	b.WriteString("credit_code,name,sector,size\n")
	n := roster.MaxProblems + 7
	for i := range n {
		fmt.Fprintf(&b, "91350582MAD1A5PN7M,晋江市第%d旅行社,hotel,小微\n", i)
	}
	_, err := roster.Read("big.csv", strings.NewReader(b.String()), rules)
	var ps roster.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Read error = %v, want roster.Problems", err)
	}
	// Every row after the first has a bad sector and repeats the code.
	if len(ps) != roster.MaxProblems+1 {
		t.Fatalf("got %d problems, want %d and a summary", len(ps), roster.MaxProblems)
	}
	if got, want := ps[len(ps)-1].Error(), fmt.Sprintf("big.csv: … and %d more", 2*n-1-roster.MaxProblems); got != want {
		t.Errorf("last problem = %q, want %q", got, want)
	}
}

func TestReadShippedExample(t *testing.T) {
	p, err := plan.Load("../plans/jinjiang-2024.yaml")
	if err != nil {
		t.Fatalf("load plan: %v", err)
	}
	r := roster.Rules{Sizes: p.SizeClasses, Trades: p.Trades}
	for _, s := range p.Sectors {
		r.Sectors = append(r.Sectors, s.ID)
	}
	f, err := os.Open("../examples/enterprises.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	es, err := roster.Read("enterprises.csv", f, r)
	if err != nil {
		t.Fatalf("Read:\n%v", err)
	}
	if len(es) < 25 {
		t.Errorf("got %d enterprises, want at least 25", len(es))
	}
	sectors, sizes := map[string]int{}, map[string]int{}
	for _, e := range es {
		sectors[e.Sector]++
		sizes[e.Size]++
		if !strings.HasPrefix(e.ID[2:], "350582") {
			t.Errorf("%s %s: region code is not 350582 (晋江市)", e.ID, e.Name)
		}
	}
	for _, s := range r.Sectors {
		if sectors[s] == 0 {
			t.Errorf("no enterprise in sector %s", s)
		}
	}
	for _, s := range r.Sizes {
		if sizes[s] == 0 {
			t.Errorf("no enterprise of size %s", s)
		}
	}
}

func FuzzRead(f *testing.F) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.csv"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		es, err := roster.Read("fuzz.csv", strings.NewReader(string(data)), rules)
		if err != nil {
			var ps roster.Problems
			if !errors.As(err, &ps) || len(ps) == 0 || len(ps) > roster.MaxProblems+1 {
				t.Fatalf("Read error = %v (%T), want 1 to %d problems", err, err, roster.MaxProblems+1)
			}
			if es != nil {
				t.Fatalf("Read returned enterprises with an error")
			}
			return
		}
		seen := map[string]bool{}
		for _, e := range es {
			if err := creditcode.Valid(e.ID); err != nil || seen[e.ID] {
				t.Fatalf("accepted enterprise %q: valid %v, repeated %v", e.ID, err, seen[e.ID])
			}
			seen[e.ID] = true
		}
	})
}

// TestReadIgnoresTheSerialColumn: the 序号 column offices' tables start
// with is not data, wherever it stands.
func TestReadIgnoresTheSerialColumn(t *testing.T) {
	in := "序号,统一社会信用代码,名称,行业领域,规模\n1,91350582MA46NJB583,晋江市海韵国际旅行社有限公司,tourism,中等\n"
	got, err := roster.Read("e.csv", strings.NewReader(in), rules)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 || got[0].ID != "91350582MA46NJB583" || got[0].Size != "中等" {
		t.Errorf("read %+v", got)
	}
}
