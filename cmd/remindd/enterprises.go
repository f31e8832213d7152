package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/remindd/remindd/notify"
	"github.com/remindd/remindd/roster"
)

// enterprises imports or lists enterprises.
func (a *app) enterprises(args []string) error {
	fs := a.flags("enterprises")
	format := fs.String("format", "table", "output `format` of list: table or json")
	sheet := fs.String("sheet", "", "the `sheet` of an .xlsx workbook to import (default: the first)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return usageError{"want enterprises import FILE (.csv or .xlsx) or enterprises list"}
	}
	c, p, err := a.load()
	if err != nil {
		return err
	}
	ctx := context.Background()
	switch {
	case pos[0] == "import" && len(pos) == 2:
		ros, err := roster.ReadFile(pos[1], *sheet, roster.RulesOf(p))
		if err != nil {
			return err
		}
		for _, n := range ros.Notices {
			fmt.Fprintf(a.stderr, "remindd enterprises: notice: %s\n", n)
		}
		list := ros.Enterprises
		s, err := a.openStore(ctx, c)
		if err != nil {
			return err
		}
		defer s.Close()
		added, updated, err := s.UpsertEnterprises(ctx, list)
		if err != nil {
			return err
		}
		fmt.Fprintf(a.stdout, "%s: %d enterprises imported (%d added, %d updated)\n", pos[1], len(list), added, updated)
		return nil
	case pos[0] == "list" && len(pos) == 1 && *sheet == "":
		if err := checkFormat(*format, "table", "json"); err != nil {
			return err
		}
		s, err := a.openStore(ctx, c)
		if err != nil {
			return err
		}
		defer s.Close()
		list, err := s.Enterprises(ctx)
		if err != nil {
			return err
		}
		if *format == "json" {
			for i := range list {
				list[i].Webhook = notify.MaskAddress(list[i].Webhook)
			}
			return a.json(list)
		}
		w := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "CREDIT CODE\tSECTOR\tSIZE\tACTIVE\tEMAIL\tNAME")
		for _, e := range list {
			fmt.Fprintf(w, "%s\t%s\t%s\t%v\t%s\t%s\n", cell(e.ID), cell(e.Sector), cell(e.Size), e.Active, cell(e.Email), cell(e.Name))
		}
		fmt.Fprintf(w, "%d enterprises\n", len(list))
		return w.Flush()
	}
	return usageError{"want enterprises import FILE (.csv or .xlsx) or enterprises list"}
}
