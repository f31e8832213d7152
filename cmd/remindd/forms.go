package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/forms"
	"github.com/remindd/remindd/plan"
)

// forms writes the monthly forms 附件4 and 附件5 of a month.
func (a *app) forms(args []string) error {
	fs := a.flags("forms")
	monthArg := fs.String("month", "", "the month reported on, `YYYY-MM`")
	sectionArg := fs.String("section", "", "one section's part (`ID` or name); default the whole bureau")
	out := fs.String("out", ".", "the `folder` to write the files into")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	if *monthArg == "" {
		return usageError{"--month is required: the month reported on, such as 2024-05"}
	}
	m, err := remindd.ParseMonth(*monthArg)
	if err != nil {
		return usageError{"--month " + err.Error()}
	}
	if m.Before(remindd.Since2021Aug) {
		return usageError{fmt.Sprintf("--month %s: the forms count from %s on", m, remindd.Since2021Aug)}
	}
	if st, err := os.Stat(*out); err == nil && !st.IsDir() {
		return usageError{fmt.Sprintf("--out %q: not a folder", *out)}
	} else if errors.Is(err, os.ErrNotExist) {
		// A folder for the month's forms, as a clerk names it.
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return fmt.Errorf("--out: %w", err)
		}
	} else if err != nil {
		return fmt.Errorf("--out: %w", err)
	}
	c, p, err := a.load()
	if err != nil {
		return err
	}
	h := forms.Header{Date: plan.DateOf(time.Now().In(p.Location)), Phone: c.Office.Phone}
	section := ""
	if *sectionArg != "" {
		sec, err := findSection(p, *sectionArg)
		if err != nil {
			return err
		}
		section = sec.ID
		h.Phone = ""
		for _, s := range c.Sections {
			if s.ID == section {
				h.Phone = s.Phone
			}
		}
	}
	ctx := context.Background()
	s, err := a.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	f, err := forms.Read(ctx, s, p, m, section, h)
	if err != nil {
		return err
	}
	paths, err := f.Write(*out)
	for _, path := range paths {
		fmt.Fprintln(a.stdout, path)
	}
	if err != nil {
		return err
	}
	if len(f.Missing) > 0 {
		fmt.Fprintf(a.stdout, "figures missing for %s: %s (their entered figures count as 0; remindd figures import FILE.csv)\n", m, strings.Join(f.Missing, ", "))
	}
	for _, u := range f.Uncounted {
		fmt.Fprintln(a.stdout, "note: "+u)
	}
	return nil
}
