package main

import (
	"fmt"
	"strings"
)

// checkConfig validates the config and the plan it names, and says which
// plan sections have no contacts (they will get no reminders).
func (a *app) checkConfig(args []string) error {
	fs := a.flags("check-config")
	if pos, err := parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	c, p, err := a.load()
	if err != nil {
		return err
	}
	var silent []string
	for _, s := range p.Sections {
		if len(c.SectionContacts(s.ID)) == 0 && !s.External {
			silent = append(silent, s.ID)
		}
	}
	fmt.Fprintf(a.stdout, "%s: ok (plan %s, %d tasks; store %s; working days %v)\n",
		c.File, p.ID, len(p.Tasks), c.Store, c.WorkingDays)
	if len(silent) > 0 {
		fmt.Fprintf(a.stdout, "warning: no contacts for section(s) %s: they get no reminders\n", strings.Join(silent, ", "))
	}
	if len(c.Office.Contacts) == 0 {
		fmt.Fprintln(a.stdout, "warning: no contacts for the office: no digest will be sent")
	}
	return nil
}
