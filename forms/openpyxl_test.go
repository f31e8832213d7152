package forms_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/remindd/remindd/forms"
	"github.com/remindd/remindd/internal/storetest"
)

// python finds a python3 that has openpyxl: REMINDD_PYTHON, Debian's
// /usr/bin/python3, then the first on PATH (a pyenv or venv one lacks
// Debian's python3-openpyxl). Without one the test is skipped, or failed
// when REMINDD_REQUIRE_BROWSER=1 (CI, where scripts/test installs it).
func python(t *testing.T) string {
	t.Helper()
	var tried []string
	for _, p := range []string{os.Getenv("REMINDD_PYTHON"), "/usr/bin/python3", "python3"} {
		if p == "" {
			continue
		}
		path, err := exec.LookPath(p)
		if err != nil {
			tried = append(tried, p+": not found")
			continue
		}
		if out, err := exec.Command(path, "-c", "import openpyxl").CombinedOutput(); err != nil {
			tried = append(tried, fmt.Sprintf("%s: %v %s", path, err, strings.TrimSpace(string(out))))
			continue
		}
		return path
	}
	msg := "no python3 with openpyxl (apt-get install python3-openpyxl): " + strings.Join(tried, "; ")
	if os.Getenv("REMINDD_REQUIRE_BROWSER") == "1" {
		t.Fatal(msg)
	}
	t.Skip(msg)
	return ""
}

// TestFormsReadByOpenpyxl: both files, written from the seeded store,
// open in openpyxl, have their headings merged and no empty data cell,
// and show the example CSV's counts by size class and the demo posts by
// kind (scripts/check-forms.py); a file with an emptied cell is refused,
// so the checker can fail.
func TestFormsReadByOpenpyxl(t *testing.T) {
	py := python(t)
	p := loadPlan(t)
	b := storetest.Backends(t)[0] // SQLite: the golden test covers both backends
	s := b.Open(t)
	seed(t, s, p)
	f, err := forms.Read(context.Background(), s, p, month("2024-05"), "", header)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	paths, err := f.Write(dir)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]int{}
	for _, a := range demoPosts {
		kinds[a.PostKind]++
	}
	args := []string{"../scripts/check-forms.py"}
	args = append(args, paths...)
	sizes := csvSizes(t)
	for ref, want := range map[string]int{"C6": sizes["规上"], "D6": sizes["中等"], "E6": sizes["小微"], "B6": sizes["规上"] + sizes["中等"] + sizes["小微"],
		"U6": kinds["党员模范岗"], "V6": kinds["青年突击手"], "W6": kinds["工人先锋岗"], "X6": kinds["巾帼示范岗"]} {
		args = append(args, "--expect", fmt.Sprintf("附件4!%s=%d", ref, want))
	}
	args = append(args, "--expect", "附件5!W7=1.75", "--expect", "附件5!A8=县（市、区）")
	if out, err := exec.Command(py, args...).CombinedOutput(); err != nil {
		t.Fatalf("check-forms.py: %v\n%s", err, out)
	}

	// The same form with one data cell left empty must be refused.
	sheets := f.Sheets()
	sh := sheets[1]
	for i := range sh.Body {
		if sh.Body[i].Row == 0 && sh.Body[i].Col == 9 {
			sh.Body[i].Value = ""
		}
	}
	broken := filepath.Join(dir, "附件5-broken.xlsx")
	if err := forms.WriteSheet(broken, &sh); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(py, "../scripts/check-forms.py", broken).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "data cell J7 is empty") {
		t.Errorf("check-forms.py on a form with J7 empty: %v\n%s", err, out)
	}
}
