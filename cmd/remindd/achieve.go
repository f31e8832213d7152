package main

import (
	"context"
	"fmt"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// achieve records a benchmark enterprise, certified enterprise or demo post.
func (a *app) achieve(args []string) error {
	fs := a.flags("achieve")
	sector := fs.String("sector", "", "sector `id`")
	metric := fs.String("metric", "", "benchmark, certified or demo_post")
	name := fs.String("name", "", "what was achieved (enterprise or post name)")
	at := fs.String("at", "", "the date, YYYY-MM-DD or RFC 3339 (default today)")
	enterprise := fs.String("enterprise", "", "the enterprise's credit `code`, if any")
	size := fs.String("size", "", "size class: 规上, 中等 or 小微")
	kind := fs.String("kind", "", "demo post kind: 党员模范岗, 青年突击手, 工人先锋岗 or 巾帼示范岗")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	c, p, err := a.load()
	if err != nil {
		return err
	}
	record := remindd.Achievement{Sector: *sector, Metric: *metric, Name: *name, Enterprise: *enterprise,
		Size: *size, PostKind: *kind}
	if err := record.Check(p, flagName); err != nil {
		return usageError{err.Error()}
	}
	var date plan.Date
	if *at == "" {
		date = plan.DateOf(time.Now().In(p.Location))
	} else if d, err := plan.ParseDate(*at); err == nil {
		date = d
	} else if t, err := time.Parse(time.RFC3339, *at); err == nil {
		date = plan.DateOf(t.In(p.Location))
	} else {
		return usageError{fmt.Sprintf("--at %q: want YYYY-MM-DD or RFC 3339", *at)}
	}
	ctx := context.Background()
	s, err := a.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	if *enterprise != "" {
		if _, ok, err := s.Enterprise(ctx, *enterprise); err != nil {
			return err
		} else if !ok {
			return usageError{fmt.Sprintf("--enterprise %q: no such enterprise", *enterprise)}
		}
	}
	record.Date = date
	id, err := s.Achieve(ctx, p.ID, record)
	if err != nil {
		return err
	}
	fmt.Fprintf(a.stdout, "achievement %d recorded: %s %s %q on %s\n", id, *sector, *metric, *name, date)
	return nil
}
