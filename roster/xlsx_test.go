package roster_test

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"errors"
	"hash/crc32"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/xuri/excelize/v2"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/roster"
)

// TestReadXLSXFromASpreadsheetProgram: testdata/roster-openpyxl.xlsx, as
// openpyxl writes it (make-openpyxl.py): a merged title above the header,
// 序号 and 备注 ignored with a notice, a blank row, a mobile number stored
// as a number, the sector following from the section, 𠀀 in a name.
func TestReadXLSXFromASpreadsheetProgram(t *testing.T) {
	ros, err := roster.ReadFile("testdata/roster-openpyxl.xlsx", "", planRules(t))
	if err != nil {
		t.Fatal(err)
	}
	want := []remindd.Enterprise{
		{ID: "91350582MA46NJB583", Name: "晋江市海韵国际旅行社有限公司", Sector: "tourism", Size: "规上", Mobile: "13805951001", StdType: "国标", Risk: "黄", Active: true},
		{ID: "91350582MAD1A5PN7M", Name: "晋江市五店市文化艺术有限公司", Sector: "culture", Size: "小微", Mobile: "13805951002", Active: true},
		{ID: "91350582MA7C8W5708", Name: "晋江市𠀀古窑博物馆", Sector: "heritage-museums", Size: "中等", StdType: "地标", Risk: "蓝", Active: true},
	}
	if diff := cmp.Diff(want, ros.Enterprises); diff != "" {
		t.Errorf("enterprises (-want +got):\n%s", diff)
	}
	if len(ros.Notices) != 1 || !strings.Contains(ros.Notices[0], `columns ignored: 序号, "备注"`) {
		t.Errorf("notices = %q", ros.Notices)
	}
	_, err = roster.ReadFile("testdata/roster-openpyxl.xlsx", "说明", planRules(t))
	if err == nil || !strings.Contains(err.Error(), "testdata/roster-openpyxl.xlsx: file is empty") {
		t.Errorf("sheet 说明: %v, want refused (a title only)", err)
	}
	_, err = roster.ReadFile("testdata/roster-openpyxl.xlsx", "Sheet9", planRules(t))
	if want := `testdata/roster-openpyxl.xlsx: the workbook has no sheet "Sheet9" (it has "企业名单", "说明")`; err == nil || err.Error() != want {
		t.Errorf("sheet Sheet9: %v, want %s", err, want)
	}
}

// workbook writes rows to a sheet of a new workbook at path; a cell is a
// string, or a number stored as a number.
func workbook(t *testing.T, path string, sheets map[string][][]any) {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	first := true
	for name, rows := range sheets {
		if first {
			if err := f.SetSheetName("Sheet1", name); err != nil {
				t.Fatal(err)
			}
			first = false
		} else if _, err := f.NewSheet(name); err != nil {
			t.Fatal(err)
		}
		for i, row := range rows {
			cell, _ := excelize.CoordinatesToCellName(1, i+1)
			if err := f.SetSheetRow(name, cell, &row); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := f.SaveAs(path); err != nil {
		t.Fatal(err)
	}
}

// TestReadXLSXProblemsNameTheCell: each problem names its sheet and cell;
// a credit code Excel stored as a number is refused saying so.
func TestReadXLSXProblemsNameTheCell(t *testing.T) {
	path := filepath.Join(t.TempDir(), "名单.xlsx")
	workbook(t, path, map[string][][]any{"企业 名单": {
		{"统一社会信用代码", "名称", "行业领域", "规模", "手机"},
		{"91350582MA46NJB583", "甲", "tourism", "中等", 13805951001},
		{913505826402668510, "乙", "旅游", "规上"},
		{"91350582MA46NJB583", "丙", "hotel", "小微", "12345"},
		{nil, nil, nil, nil, nil, "右边的备注"},
	}})
	_, err := roster.ReadFile(path, "", rules)
	var ps roster.Problems
	if !errors.As(err, &ps) {
		t.Fatalf("ReadFile = %v, want Problems", err)
	}
	want := []string{
		path + ` '企业 名单'!A3: credit_code: "9.13505826402669E+17" is a number as Excel shows a long one: Excel took the code for a number and dropped its last digits; format the column as text (设置单元格格式→文本，用文本格式保存) and type the codes again`,
		path + ` '企业 名单'!C3: sector: "旅游" is not a sector of the plan (tourism, culture, heritage-museums)`,
		path + ` '企业 名单'!C4: sector: "hotel" is not a sector of the plan (tourism, culture, heritage-museums)`,
		path + ` '企业 名单'!E4: mobile: "12345" is not an 11-digit mobile number starting with 1`,
		path + ` '企业 名单'!A4: credit_code: 91350582MA46NJB583 is already on '企业 名单'!A2`,
	}
	if diff := cmp.Diff(want, strings.Split(err.Error(), "\n")); diff != "" {
		t.Errorf("problems (-want +got):\n%s", diff)
	}
}

// TestReadXLSXSheet: --sheet picks a sheet other than the first; a CSV
// file has none to pick.
func TestReadXLSXSheet(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "r.xlsx")
	workbook(t, path, map[string][][]any{
		"说明":   {{"本表由办公室维护"}},
		"2024": {{"序号", "统一社会信用代码", "企业名称", "所属行业", "规模"}, {1, "91350582MA46NJB583", "甲", "tourism", "规模以上"}},
	})
	ros, err := roster.ReadFile(path, "2024", rules)
	if err != nil {
		t.Fatal(err)
	}
	if len(ros.Enterprises) != 1 || ros.Enterprises[0].Size != "规上" {
		t.Errorf("sheet 2024: %+v", ros.Enterprises)
	}
	csvPath := filepath.Join(dir, "r.csv")
	if err := os.WriteFile(csvPath, []byte("credit_code,name,sector,size\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := roster.ReadFile(csvPath, "2024", rules); err == nil || !strings.Contains(err.Error(), "the file is CSV, which has no sheets") {
		t.Errorf("--sheet on a CSV file: %v", err)
	}
}

// bomb writes an .xlsx whose sheet inflates to size bytes of spaces from a
// few hundred kilobytes; with lie, the archive declares the sheet 1 KiB.
func bomb(t *testing.T, path string, size int64, lie bool) {
	t.Helper()
	good := filepath.Join(t.TempDir(), "good.xlsx")
	workbook(t, good, map[string][][]any{"Sheet1": {{"credit_code", "name", "sector", "size"}}})
	zr, err := zip.OpenReader(good)
	if err != nil {
		t.Fatal(err)
	}
	defer zr.Close()
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if f.Name != "xl/worksheets/sheet1.xml" {
			if err := zw.Copy(f); err != nil {
				t.Fatal(err)
			}
			continue
		}
		// Compress size spaces once, by hand, to know the CRC and size.
		var deflated bytes.Buffer
		fw, _ := flate.NewWriter(&deflated, flate.BestSpeed)
		crc := crc32.NewIEEE()
		chunk := bytes.Repeat([]byte(" "), 1<<20)
		for n := int64(0); n < size; n += int64(len(chunk)) {
			fw.Write(chunk)
			crc.Write(chunk)
		}
		fw.Close()
		h := &zip.FileHeader{Name: f.Name, Method: zip.Deflate, CRC32: crc.Sum32(),
			CompressedSize64: uint64(deflated.Len()), UncompressedSize64: uint64(size)}
		if lie {
			h.UncompressedSize64 = 1 << 10
		}
		w, err := zw.CreateRaw(h)
		if err != nil {
			t.Fatal(err)
		}
		w.Write(deflated.Bytes())
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, out.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestReadXLSXZipBomb: a workbook whose sheet inflates to 300 MiB, more
// than MaxUnzipBytes, is refused
// at once, in bounded memory, whether the archive says how much it
// inflates to or lies about it.
func TestReadXLSXZipBomb(t *testing.T) {
	dir := t.TempDir()
	for _, lie := range []bool{false, true} {
		path := filepath.Join(dir, "bomb.xlsx")
		bomb(t, path, 300<<20, lie)
		if fi, err := os.Stat(path); err != nil || fi.Size() > 8<<20 {
			t.Fatalf("bomb: %v, %d bytes", err, fi.Size())
		}
		runtime.GC()
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		start := time.Now()
		_, err := roster.ReadFile(path, "", rules)
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		var ps roster.Problems
		if !errors.As(err, &ps) {
			t.Fatalf("lie %v: ReadFile = %v, want Problems", lie, err)
		}
		t.Logf("lie %v: %v in %v, %d MiB allocated", lie, err, took, (after.TotalAlloc-before.TotalAlloc)>>20)
		if !lie && !strings.Contains(err.Error(), "inflates to more than 256 MiB") {
			t.Errorf("honest bomb: %v", err)
		}
		if took > 5*time.Second {
			t.Errorf("lie %v: took %v to refuse", lie, took)
		}
		if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 64<<20 {
			t.Errorf("lie %v: allocated %d MiB to refuse", lie, alloc>>20)
		}
	}
}
