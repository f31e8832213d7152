package main

import (
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"
	"golang.org/x/text/encoding/simplifiedchinese"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// enterprisesAt lists the enterprises of the store at addr.
func enterprisesAt(t *testing.T, addr string) []remindd.Enterprise {
	t.Helper()
	s, err := store.Open(context.Background(), addr)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	list, err := s.Enterprises(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return list
}

// officeWorkbook writes examples/enterprises.csv as an office keeps it: an
// .xlsx with a title row, 序号, Chinese headers in another order, sectors
// and size classes by their Chinese names, 是/否, the forms' columns
// (角色, 达标类型, 级别, 标杆层级, 风险等级), and a 备注 column.
func officeWorkbook(t *testing.T, path string) {
	t.Helper()
	f, err := os.Open("../../examples/enterprises.csv")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	sectors := map[string]string{"tourism": "旅游行业", "culture": "文化行业", "heritage-museums": "文物和博物馆"}
	sizes := map[string]string{"规上": "规模以上", "中等": "中等", "小微": "小微企业"}
	active := map[string]string{"true": "是", "false": "否"}
	wb := excelize.NewFile()
	defer wb.Close()
	rows := [][]any{
		{"晋江市文旅行业企业名单"},
		{"序号", "企业名称", "统一社会信用代码", "所属行业", "规模", "行业类别", "联系人", "手机", "邮箱", "机器人", "是否启用",
			"角色", "达标类型", "级别", "标杆层级", "风险等级", "备注"},
	}
	for i, r := range recs[1:] {
		v := func(c string) string { return r[col[c]] }
		rows = append(rows, []any{i + 1, v("name"), v("credit_code"), sectors[v("sector")], sizes[v("size")], v("trades"),
			v("contact"), v("mobile"), v("email"), v("webhook"), active[v("active")],
			v("roles"), v("std_type"), v("level"), v("benchmark_tier"), v("risk"), ""})
	}
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if err := wb.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	if err := wb.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// TestEnterprisesImportAsOfficesKeepIt is issue 12's acceptance: a GB18030
// copy of examples/enterprises.csv, and the same list saved as .xlsx with
// Chinese headers and a 序号 column, import the same 30 enterprises as the
// CSV; an .xls file is refused with a clear message and nothing written.
func TestEnterprisesImportAsOfficesKeepIt(t *testing.T) {
	dir := t.TempDir()
	orig, err := os.ReadFile("../../examples/enterprises.csv")
	if err != nil {
		t.Fatal(err)
	}
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes(orig)
	if err != nil {
		t.Fatal(err)
	}
	gbPath := filepath.Join(dir, "企业名单-gb18030.csv")
	if err := os.WriteFile(gbPath, gb, 0o644); err != nil {
		t.Fatal(err)
	}
	xlsxPath := filepath.Join(dir, "企业名单.xlsx")
	officeWorkbook(t, xlsxPath)
	xlsPath := filepath.Join(dir, "企业名单.xls")
	if err := os.WriteFile(xlsPath, append([]byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}, make([]byte, 504)...), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			var want []remindd.Enterprise
			for _, file := range []string{"../../examples/enterprises.csv", gbPath, xlsxPath} {
				addr := b.Addr(t)
				flags := []string{"--config", exampleConfig, "--store", addr}
				if code, _, errs := cli(t, append([]string{"migrate"}, flags...)...); code != 0 {
					t.Fatalf("migrate: %s", errs)
				}
				code, out, errs := cli(t, append([]string{"enterprises", "import", file}, flags...)...)
				if code != 0 || !strings.Contains(out, "30 enterprises imported (30 added, 0 updated)") {
					t.Fatalf("import %s: exit %d, %q %s", file, code, out, errs)
				}
				if file == xlsxPath && !strings.Contains(errs, `notice: `+xlsxPath+`: columns ignored: 序号, "备注"`) {
					t.Errorf("import %s: stderr %q lacks the notice of 序号 and 备注", file, errs)
				}
				got := enterprisesAt(t, addr)
				if want == nil {
					want = got
					if len(want) != 30 {
						t.Fatalf("the example has %d enterprises, want 30", len(want))
					}
					continue
				}
				if diff := cmp.Diff(want, got); diff != "" {
					t.Errorf("%s imports other enterprises than the CSV (-csv +it):\n%s", file, diff)
				}
				if file != xlsxPath {
					continue
				}
				s, err := store.Open(context.Background(), addr)
				if err != nil {
					t.Fatal(err)
				}
				before := storetest.Dump(t, s)
				code, out, errs = cli(t, append([]string{"enterprises", "import", xlsPath}, flags...)...)
				if code != 1 || out != "" || !strings.Contains(errs, xlsPath+": this is an Excel 97-2003 workbook (.xls)") || !strings.Contains(errs, "请另存为 .xlsx 或 CSV") {
					t.Errorf("import .xls: exit %d, %q %q", code, out, errs)
				}
				if diff := cmp.Diff(before, storetest.Dump(t, s)); diff != "" {
					t.Errorf("a refused .xls changed the store:\n%s", diff)
				}
				s.Close()
			}
		})
	}
}
