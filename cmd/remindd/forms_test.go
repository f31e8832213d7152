package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/storetest"
	"github.com/remindd/remindd/store"
)

// figuresFile writes a figures CSV of the given rows (section, month, then
// inspected; every other figure 0) with Chinese headers.
func figuresFile(t *testing.T, rows ...[3]string) string {
	t.Helper()
	head := []string{"序号", "科室", "月份"}
	for _, c := range remindd.FigureColumns {
		head = append(head, c.Name())
	}
	lines := []string{strings.Join(head, ",")}
	for i, r := range rows {
		cells := []string{string(rune('1' + i)), r[0], r[1]}
		for _, c := range remindd.FigureColumns {
			v := "0"
			if c.Key == "inspected" {
				v = r[2]
			}
			cells = append(cells, v)
		}
		lines = append(lines, strings.Join(cells, ","))
	}
	file := filepath.Join(t.TempDir(), "figures.csv")
	if err := os.WriteFile(file, []byte("\ufeff"+strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// TestFiguresImportAndForms: figures import records a file whole (sections
// by name or id), refuses a bad one whole naming line and field; forms
// writes both files and names the sections whose figures are missing.
func TestFiguresImportAndForms(t *testing.T) {
	for _, b := range storetest.Backends(t) {
		t.Run(b.Name, func(t *testing.T) {
			addr, st := exampleStore(t, b)
			good := figuresFile(t, [3]string{"行业管理科", "2024-05", "12"}, [3]string{"market-mgmt", "2024-05", "3"})
			code, out, errs := cli(t, append([]string{"figures", "import", good}, st...)...)
			if code != 0 || !strings.Contains(out, "figures of 2 section months recorded (2 new, 0 replaced)") {
				t.Fatalf("import: exit %d, %q %s", code, out, errs)
			}
			s, err := store.Open(context.Background(), addr)
			if err != nil {
				t.Fatal(err)
			}
			before := storetest.Dump(t, s)
			f, ok, err := s.Figures(context.Background(), "industry-mgmt", remindd.Month{Year: 2024, Month: 5})
			if err != nil || !ok || f.Values["inspected"] != 12 || f.Source != remindd.SourceImport || f.By == "" {
				t.Errorf("industry-mgmt's May: %+v, %v, %v", f, ok, err)
			}
			s.Close()

			for _, tc := range []struct {
				file string
				want string
			}{
				{figuresFile(t, [3]string{"industry-mgmt", "2024-06", "1"}, [3]string{"宣传科", "2024-06", "1"}), `figures.csv line 3: section: "宣传科": unknown section`},
				{figuresFile(t, [3]string{"industry-mgmt", "2024-06", "1"}, [3]string{"行业管理科", "2024-06", "2"}), "figures.csv line 3: month: industry-mgmt's 2024-06 is already on line 2"},
				{figuresFile(t, [3]string{"industry-mgmt", "2024-06", "1"}, [3]string{"market-mgmt", "2024-06", "x"}), `figures.csv line 3: inspected: "x": want a whole number`},
			} {
				code, _, errs := cli(t, append([]string{"figures", "import", tc.file}, st...)...)
				if code != 1 || !strings.Contains(errs, tc.want) {
					t.Errorf("bad file: exit %d, %q; want 1 and %q", code, errs, tc.want)
				}
			}
			s, err = store.Open(context.Background(), addr)
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(before, storetest.Dump(t, s)); d != "" {
				t.Errorf("a refused file wrote (-before +after):\n%s", d)
			}
			s.Close()

			dir := t.TempDir()
			code, out, errs = cli(t, append([]string{"forms", "--month", "2024-05", "--out", dir}, st...)...)
			if code != 0 {
				t.Fatalf("forms: exit %d: %s", code, errs)
			}
			want := filepath.Join(dir, "附件4-2024-05.xlsx") + "\n" + filepath.Join(dir, "附件5-2024-05.xlsx") + "\n" +
				"figures missing for 2024-05: public-culture-arts, cultural-heritage"
			if !strings.HasPrefix(out, want) {
				t.Errorf("forms printed %q, want it to start %q", out, want)
			}
			for _, name := range []string{"附件4-2024-05.xlsx", "附件5-2024-05.xlsx"} {
				if st, err := os.Stat(filepath.Join(dir, name)); err != nil || st.Size() == 0 {
					t.Errorf("%s: %v", name, err)
				}
			}
			code, out, _ = cli(t, append([]string{"forms", "--month", "2024-05", "--section", "行业管理科", "--out", dir}, st...)...)
			if code != 0 || !strings.Contains(out, "附件5-2024-05-行业管理科.xlsx") || strings.Contains(out, "missing") {
				t.Errorf("forms --section: exit %d, %q", code, out)
			}
		})
	}
}

// TestFormsCommandLineMistakes: a bad month, section or folder is a
// command-line mistake (exit 2), and nothing is written.
func TestFormsCommandLineMistakes(t *testing.T) {
	dir := t.TempDir()
	st := []string{"--config", exampleConfig, "--store", "sqlite:" + filepath.Join(dir, "r.db")}
	notFolder := filepath.Join(dir, "forms.txt")
	if err := os.WriteFile(notFolder, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"forms"}, "--month is required"},
		{[]string{"forms", "--month", "2024-13", "--out", dir}, `--month "2024-13": want a month written YYYY-MM`},
		{[]string{"forms", "--month", "2021-07", "--out", dir}, "--month 2021-07: the forms count from 2021-08 on"},
		{[]string{"forms", "--month", "2024-05", "--out", notFolder}, "not a folder"},
		{[]string{"forms", "--month", "2024-05", "--out", dir, "--section", "宣传科"}, `--section "宣传科": unknown section`},
		{[]string{"figures", "export"}, "want figures import FILE.csv"},
	} {
		code, _, errs := cli(t, append(tc.args, st...)...)
		if code != 2 || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, %q; want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".xlsx") {
			t.Errorf("wrote %s", e.Name())
		}
	}
}

// TestFormsMakeTheirFolder: --out names the folder for the month's forms,
// as a clerk would; it is made when it does not exist yet.
func TestFormsMakeTheirFolder(t *testing.T) {
	dir := t.TempDir()
	st := []string{"--config", exampleConfig, "--store", "sqlite:" + filepath.Join(dir, "r.db")}
	if code, _, errs := cli(t, append([]string{"migrate"}, st...)...); code != 0 {
		t.Fatal(errs)
	}
	out := filepath.Join(dir, "月报", "2024-05")
	code, stdout, errs := cli(t, append([]string{"forms", "--month", "2024-05", "--out", out}, st...)...)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, name := range []string{"附件4-2024-05.xlsx", "附件5-2024-05.xlsx"} {
		if _, err := os.Stat(filepath.Join(out, name)); err != nil || !strings.Contains(stdout, name) {
			t.Errorf("%s: %v\n%s", name, err, stdout)
		}
	}
}
