package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"
)

// Targets of issue 12 for `remindd enterprises import` of an .xlsx.
const (
	importTargetWall = 10 * time.Second
	importTargetRSS  = 300 << 20
)

// importResult is the import of an n-row workbook.
type importResult struct {
	n        int
	fileSize int64
	genTime  time.Duration
	runs     []procResult
}

// writeRosterXLSX writes the n generated enterprises as an office keeps
// them: an .xlsx with 序号, Chinese headers and values, through excelize's
// stream writer.
func (b *bench) writeRosterXLSX(n int, path string) error {
	d := generate(b.plan, n)
	f := excelize.NewFile()
	defer f.Close()
	sw, err := f.NewStreamWriter("Sheet1")
	if err != nil {
		return err
	}
	header := []any{"序号", "企业名称", "统一社会信用代码", "所属行业", "规模", "行业类别", "联系人", "手机", "邮箱", "机器人", "是否启用", "风险等级"}
	if err := sw.SetRow("A1", header); err != nil {
		return err
	}
	sectors := map[string]string{"tourism": "旅游行业", "culture": "文化行业", "heritage-museums": "文物和博物馆"}
	sizes := map[string]string{"规上": "规模以上", "中等": "中等", "小微": "小微"}
	risks := []string{"红", "橙", "黄", "蓝", "", ""}
	for i, e := range d.enterprises {
		active := "是"
		if !e.Active {
			active = "否"
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		row := []any{i + 1, e.Name, e.ID, sectors[e.Sector], sizes[e.Size], strings.Join(e.Trades, "、"),
			e.Contact, e.Mobile, e.Email, e.Webhook, active, risks[i%len(risks)]}
		if err := sw.SetRow(cell, row); err != nil {
			return err
		}
	}
	if err := sw.Flush(); err != nil {
		return err
	}
	return f.SaveAs(path)
}

// benchImport times `remindd enterprises import` of an n-row .xlsx into a
// fresh, migrated database, b.runs times (each into a fresh database: every
// row is added).
func (b *bench) benchImport(ctx context.Context, n int) (*importResult, error) {
	res := &importResult{n: n}
	path := filepath.Join(b.tmp, fmt.Sprintf("roster-%d.xlsx", n))
	start := time.Now()
	if err := b.writeRosterXLSX(n, path); err != nil {
		return nil, err
	}
	res.genTime = time.Since(start)
	fi, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	res.fileSize = fi.Size()
	name := dbName(fmt.Sprintf("import_%d", n))
	for i := 0; i < b.runs; i++ {
		if err := b.freshDB(ctx, name); err != nil {
			return nil, err
		}
		cfg, err := b.writeConfig(name, 2525)
		if err != nil {
			return nil, err
		}
		if _, err := runProcess(ctx, b.maxSweep, b.maxRSS, nil, nil, b.bin, "migrate", "--config", cfg); err != nil {
			return nil, err
		}
		var stdout, stderr bytes.Buffer
		pr, err := runProcess(ctx, b.maxSweep, b.maxRSS, &stdout, &stderr, b.bin, "enterprises", "import", path, "--config", cfg)
		if err != nil {
			return nil, fmt.Errorf("import: %w: %s", err, stderr.String())
		}
		if want := fmt.Sprintf("%d enterprises imported (%d added", n, n); !strings.Contains(stdout.String(), want) {
			return nil, fmt.Errorf("import printed %q, want %q", stdout.String(), want)
		}
		b.logf("  import %d: %s wall, %s CPU, %s peak RSS", n, ms(pr.wall), ms(pr.cpu), mb(pr.maxRSS))
		res.runs = append(res.runs, pr)
	}
	b.dropDB(ctx, name)
	return res, nil
}

// medians are the runs' median wall time and peak RSS.
func (r *importResult) medians() (time.Duration, int64) {
	var walls []time.Duration
	var rss []int64
	for _, p := range r.runs {
		walls = append(walls, p.wall)
		rss = append(rss, p.maxRSS)
	}
	return median(walls), median(rss)
}

// importReport is the import's section of the results, in Markdown.
func (r *importResult) report() string {
	wall, peak := r.medians()
	met := func(ok bool) string {
		if ok {
			return "met"
		}
		return "**missed**"
	}
	var s strings.Builder
	fmt.Fprintf(&s, "## Importing a %d-row .xlsx\n\n", r.n)
	fmt.Fprintf(&s, "`remindd enterprises import` of a workbook of %d enterprises (序号, Chinese headers and values, %s, written by excelize's stream writer in %s) into a fresh, migrated MariaDB database; median of %d runs.\n\n",
		r.n, mb(r.fileSize), ms(r.genTime), len(r.runs))
	s.WriteString("| measure | value | target | |\n| --- | --- | --- | --- |\n")
	fmt.Fprintf(&s, "| wall time | %s | ≤ %s | %s |\n", ms(wall), importTargetWall, met(wall <= importTargetWall))
	fmt.Fprintf(&s, "| peak RSS | %s | ≤ %s | %s |\n", mb(peak), mb(importTargetRSS), met(peak <= importTargetRSS))
	return s.String()
}
