package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/store"
)

// formsResult is the cost of `remindd forms` over a store of size
// enterprises.
type formsResult struct {
	size      int
	wall, cpu []time.Duration
	rss       []int64
	files     []string
}

// Targets of `remindd forms` at 100k enterprises (issue 12).
const (
	formsWallTarget = 2 * time.Second
	formsRSSTarget  = 150 << 20
)

// benchForms loads a store of res.size enterprises (with the sweep's
// completions and achievements) and every section's figures for January to
// May 2024, then times `remindd forms --month 2024-05` b.runs times after a
// warm-up run.
func (b *bench) benchForms(ctx context.Context, res *formsResult) error {
	sr := &sweepResult{n: res.size}
	name, cfg, err := b.populate(ctx, res.size, sr)
	if err != nil {
		return err
	}
	defer b.dropDB(ctx, name)
	s, err := store.Open(ctx, b.storeAddr(name))
	if err != nil {
		return err
	}
	var figs []remindd.MonthlyFigures
	for _, sec := range b.plan.Sections {
		for m := 1; m <= 5; m++ {
			f := remindd.MonthlyFigures{Section: sec.ID, Month: remindd.Month{Year: 2024, Month: time.Month(m)}, Values: map[string]int64{}, By: "bench"}
			for i, c := range remindd.FigureColumns {
				f.Values[c.Key] = int64(i + m)
			}
			figs = append(figs, f)
		}
	}
	_, _, err = s.PutFigures(ctx, figs)
	s.Close()
	if err != nil {
		return err
	}
	out := filepath.Join(b.tmp, "forms")
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	for i := 0; i <= b.runs; i++ {
		var stdout, stderr strings.Builder
		pr, err := runProcess(ctx, b.maxSweep, b.maxRSS, &stdout, &stderr, b.bin, "forms", "--month", "2024-05", "--out", out, "--config", cfg)
		if err != nil {
			return fmt.Errorf("%w: %s", err, stderr.String())
		}
		if i == 0 { // the first run warms the page cache and the buffer pool
			res.files = strings.Fields(stdout.String())
			continue
		}
		res.wall, res.cpu, res.rss = append(res.wall, pr.wall), append(res.cpu, pr.cpu), append(res.rss, pr.maxRSS)
	}
	return nil
}

func (r *formsResult) summary() string {
	wall, rss := median(r.wall), median(r.rss)
	return fmt.Sprintf("  forms of %s enterprises: %s (target %s: %s), %s RSS (target %s: %s), CPU %s\n",
		human(r.size), ms(wall), ms(formsWallTarget), yesNo(wall <= formsWallTarget),
		mb(rss), mb(formsRSSTarget), yesNo(rss <= formsRSSTarget), ms(median(r.cpu)))
}
