package roster_test

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/roster"
)

// planRules are the shipped plan's, with its sector names and sections.
func planRules(t *testing.T) roster.Rules {
	t.Helper()
	p, err := plan.Load("../plans/jinjiang-2024.yaml")
	if err != nil {
		t.Fatal(err)
	}
	return roster.RulesOf(p)
}

// onlyReader hides every method of a reader but Read: a pipe, which cannot
// be read twice.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// TestReadGB18030: a file iconv wrote in GB18030, with 𠀀 (U+20000, four
// bytes in GB18030, none in GBK), Chinese headers and values, full-width
// digits and letters, 序号: read the same from a file and from a pipe.
func TestReadGB18030(t *testing.T) {
	want := []remindd.Enterprise{
		{
			ID: "91350582MA7C8W5708", Name: "晋江市𠀀古窑博物馆有限公司", Sector: "heritage-museums", Size: "规上",
			Contact: "王建", Email: "wang@guyao.example.com", Mobile: "13805950001", Active: true,
			Roles: []string{"标杆培育对象", "认证企业"}, StdType: "省标", Level: "二级", BenchmarkTier: "县级", Risk: "红",
		},
		{
			ID: "91350582MAD1A5PN7M", Name: "晋江市海风旅行社有限公司", Sector: "tourism", Size: "小微",
			Contact: "林海", Email: "safety@haifeng.example.com", Active: true,
		},
	}
	data, err := os.ReadFile("testdata/good-gb18030.csv")
	if err != nil {
		t.Fatal(err)
	}
	for name, r := range map[string]io.Reader{"file": bytes.NewReader(data), "pipe": onlyReader{bytes.NewReader(data)}} {
		t.Run(name, func(t *testing.T) {
			ros, err := roster.ReadCSV("gb18030.csv", r, planRules(t))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(want, ros.Enterprises); diff != "" {
				t.Errorf("enterprises (-want +got):\n%s", diff)
			}
			if len(ros.Notices) != 1 || !strings.Contains(ros.Notices[0], "columns ignored: 序号 (") {
				t.Errorf("notices = %q, want one naming 序号", ros.Notices)
			}
		})
	}
}

// TestReadEncodings: the same roster in UTF-8 with and without a byte
// order mark, GBK (as iconv writes it, testdata/good-gbk.csv) and
// GB18030 reads the same, from a file and from a pipe, also when the
// first non-ASCII byte comes after the 64 KiB a pipe is judged by.
func TestReadEncodings(t *testing.T) {
	gbk, err := os.ReadFile("testdata/good-gbk.csv")
	if err != nil {
		t.Fatal(err)
	}
	text := "统一社会信用代码,名称,行业领域,规模\n91350582MAD1A5PN7M,晋江市海风旅行社有限公司,tourism,小微\n"
	gb18030, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	want := []remindd.Enterprise{{ID: "91350582MAD1A5PN7M", Name: "晋江市海风旅行社有限公司", Sector: "tourism", Size: "小微", Active: true}}
	files := map[string]string{
		"utf-8":     text,
		"utf-8 bom": "\ufeff" + text,
		"gbk":       string(gbk),
		"gb18030":   gb18030,
	}
	for name, data := range files {
		for kind, r := range map[string]io.Reader{"file": strings.NewReader(data), "pipe": onlyReader{strings.NewReader(data)}} {
			got, err := roster.Read(name, r, rules)
			if err != nil {
				t.Errorf("%s from a %s: %v", name, kind, err)
				continue
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s from a %s (-want +got):\n%s", name, kind, diff)
			}
		}
	}

	// English headers and 70 KiB of ASCII rows, then a name in GBK: read
	// as a file, the whole file decides (GB18030); from a pipe, the first
	// 64 KiB do (UTF-8), and the GBK name is refused naming its line.
	var b strings.Builder
	b.WriteString("credit_code,name,sector,size\n")
	for b.Len() < 70<<10 {
		b.WriteString("\n")
	}
	line := strings.Count(b.String(), "\n") + 1
	name, _ := simplifiedchinese.GBK.NewEncoder().String("晋江市海风旅行社有限公司")
	b.WriteString("91350582MAD1A5PN7M," + name + ",tourism,小微\n")
	late := b.String()
	late = strings.Replace(late, "小微", string(gbk[bytes.LastIndexByte(gbk, ',')+1:len(gbk)-1]), 1) // 小微 in GBK too
	if got, err := roster.Read("late.csv", strings.NewReader(late), rules); err != nil || len(got) != 1 || got[0].Name != "晋江市海风旅行社有限公司" {
		t.Errorf("late GBK from a file: %v, %v", got, err)
	}
	_, err = roster.Read("late.csv", onlyReader{strings.NewReader(late)}, rules)
	if want := "late.csv line " + strconv.Itoa(line) + ": name: is not UTF-8"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("late GBK from a pipe: %v, want %q", err, want)
	}
}

// TestReadOfficeValues: what offices write reads as remindd's values, and
// what is wrong is said in their words.
func TestReadOfficeValues(t *testing.T) {
	r := planRules(t)
	good := "企业名称,统一社会信用代码,行业,规模,主管科室,角色,达标类型,级别,标杆层级,风险等级,是否启用\n" +
		"甲,91350582MA46NJB583,旅游行业,规上企业,,a；b,national,1级,city,red,否\n" +
		"乙,91350582MAD1A5PN7M,culture,中等,公共文化和艺术科,,国标,自评,市级,蓝,\n" +
		"丙,91350582MA7C8W5708,,小微,文化遗产科,,,三级,,低风险,启用\n"
	got, err := roster.Read("good.csv", strings.NewReader(good), r)
	if err != nil {
		t.Fatal(err)
	}
	want := []remindd.Enterprise{
		{ID: "91350582MA46NJB583", Name: "甲", Sector: "tourism", Size: "规上", Roles: []string{"a", "b"}, StdType: "国标", Level: "一级", BenchmarkTier: "市级", Risk: "红"},
		{ID: "91350582MAD1A5PN7M", Name: "乙", Sector: "culture", Size: "中等", StdType: "国标", Level: "自评", BenchmarkTier: "市级", Risk: "蓝", Active: true},
		{ID: "91350582MA7C8W5708", Name: "丙", Sector: "heritage-museums", Size: "小微", Level: "三级", Risk: "蓝", Active: true},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("enterprises (-want +got):\n%s", diff)
	}

	bad := "企业名称,统一社会信用代码,行业,规模,主管科室,达标类型,级别,标杆层级,风险等级\n" +
		"甲,9.13505E+17,酒店业,大型,行业管理科,部标,四级,省级,紫\n" +
		"乙,91350582MAD1A5PN7M,旅游,小微,文化遗产科,,,,\n" +
		"丙,91350582MA7C8W5708,,小微,,,,,\n" +
		"丁,91350582MA46NJB583,,小微,办公室,,,,\n"
	_, err = roster.Read("bad.csv", strings.NewReader(bad), r)
	var ps roster.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("Read error = %v, want Problems", err)
	}
	wantProblems := []string{
		`bad.csv line 2: credit_code: "9.13505E+17" is a number as Excel shows a long one: Excel took the code for a number and dropped its last digits; format the column as text (设置单元格格式→文本，用文本格式保存) and type the codes again`,
		`bad.csv line 2: sector: "酒店业" is not a sector of the plan (tourism 旅游行业, culture 文化行业, heritage-museums 文物和博物馆)`,
		`bad.csv line 2: size: "大型" is not a size class of the plan (规上, 中等, 小微)`,
		`bad.csv line 2: std_type: "部标" is not one of 国标, 省标, 地标`,
		`bad.csv line 2: level: "四级" is not one of 一级, 二级, 三级, 自评`,
		`bad.csv line 2: benchmark_tier: "省级" is not one of 市级, 县级`,
		`bad.csv line 2: risk: "紫" is not one of 红, 橙, 黄, 蓝`,
		`bad.csv line 3: section: 文化遗产科 is not responsible for sector tourism (it is for heritage-museums)`,
		`bad.csv line 4: sector: missing`,
		`bad.csv line 5: section: "办公室" is not a section of the plan (行业管理科, 市场管理科, 公共文化和艺术科, 文化遗产科)`,
		`bad.csv line 5: sector: missing`,
	}
	if diff := cmp.Diff(wantProblems, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestReadRefusesUTF16: Excel's "Unicode text" is UTF-16.
func TestReadRefusesUTF16(t *testing.T) {
	_, err := roster.Read("u16.csv", strings.NewReader("\xff\xfe\x00c\x00r"), rules)
	if err == nil || !strings.Contains(err.Error(), "u16.csv: the file is UTF-16") {
		t.Errorf("Read = %v, want UTF-16 refused", err)
	}
}

// TestReadFileXLS: an .xls workbook, by name or by its OLE magic, is
// refused saying to save it as .xlsx or CSV.
func TestReadFileXLS(t *testing.T) {
	dir := t.TempDir()
	ole := append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...)
	for name, data := range map[string][]byte{"old.xls": []byte("credit_code,name\n"), "named.csv": ole, "named.xlsx": ole} {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		_, err := roster.ReadFile(path, "", rules)
		if err == nil || !strings.HasPrefix(err.Error(), path+": this is an Excel 97-2003 workbook (.xls)") || !strings.Contains(err.Error(), "请另存为 .xlsx 或 CSV") {
			t.Errorf("%s: %v, want the .xls refusal", name, err)
		}
	}
	path := filepath.Join(dir, "fake.xlsx")
	if err := os.WriteFile(path, []byte("credit_code,name\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := roster.ReadFile(path, "", rules); err == nil || !strings.Contains(err.Error(), "is not a workbook") {
		t.Errorf("a CSV named .xlsx: %v", err)
	}
}
