package plan

import (
	"errors"
	"fmt"
	"os"
	"regexp"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/remindd/remindd/internal/yamlfile"
)

// Load reads and validates the plan file at path. The error lists every
// problem found, each in one shape, FILE:LINE: FIELD: message (the line and
// field left out where none applies, as for a file that cannot be read).
func Load(path string) (*Plan, error) {
	var p Plan
	f, err := yamlfile.Load(path, &p)
	if err != nil {
		return nil, asProblems(err, path)
	}
	p.File = path
	if err := p.validate(f); err != nil {
		return nil, err
	}
	return &p, nil
}

// asProblems is err as Problems: a file that cannot be read is a problem of
// the file, named once (an *os.PathError repeats the path).
func asProblems(err error, path string) error {
	if ps, ok := err.(yamlfile.Problems); ok {
		return ps
	}
	var pe *os.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return yamlfile.Problems{{File: path, Msg: fmt.Sprintf("cannot read the plan: %v", err)}}
}

var idRE = regexp.MustCompile(`^[a-z][a-z0-9-]*$`)

// validate checks the plan in one pass, collecting every problem, and builds
// the lookup tables.
func (p *Plan) validate(f *yamlfile.File) error {
	r := &yamlfile.Reporter{File: f}
	path := yamlfile.Path

	if !idRE.MatchString(p.ID) {
		r.Add("id", path("id"), "plan id %q must be lower-case letters, digits and dashes", p.ID)
	}
	if p.Year < 2000 || p.Year > 2100 {
		r.Add("year", path("year"), "year %d is not a plausible plan year", p.Year)
	}
	if p.Timezone == "" {
		r.Add("timezone", path("timezone"), "time zone is required (for example Asia/Shanghai)")
	} else if p.Timezone == "Local" {
		r.Add("timezone", path("timezone"), "time zone \"Local\" is the host's: name the plan's zone, such as Asia/Shanghai")
	} else if loc, err := time.LoadLocation(p.Timezone); err != nil {
		r.Add("timezone", path("timezone"), "unknown time zone %q", p.Timezone)
	} else {
		p.Location = loc
	}

	metrics := map[string]bool{}
	for i, m := range p.Metrics {
		if m.ID == "" || m.Name == "" {
			r.Add(fmt.Sprintf("metrics[%d]", i), path("metrics", i), "metric needs an id and a name")
		}
		metrics[m.ID] = true
	}
	sizes := set(p.SizeClasses)
	trades := set(p.Trades)
	roles := map[string]bool{}
	for i, ro := range p.Roles {
		field := fmt.Sprintf("roles[%d].name", i)
		switch {
		case strings.TrimSpace(ro.Name) == "":
			r.Add(field, path("roles", i), "role needs a name")
		case roles[ro.Name]:
			r.Add(field, path("roles", i, "name"), "duplicate role %q", ro.Name)
		}
		roles[ro.Name] = true
	}

	sections := map[string]bool{}
	for i, s := range p.Sections {
		field := fmt.Sprintf("sections[%d].id", i)
		switch {
		case !idRE.MatchString(s.ID):
			r.Add(field, path("sections", i, "id"), "section id %q must be lower-case letters, digits and dashes", s.ID)
		case sections[s.ID]:
			r.Add(field, path("sections", i, "id"), "duplicate section %q", s.ID)
		}
		if s.Name == "" {
			r.Add(fmt.Sprintf("sections[%d].name", i), path("sections", i), "section %q needs a name", s.ID)
		}
		sections[s.ID] = true
	}
	if p.Office.ID == "" || p.Office.Name == "" {
		r.Add("office", path("office"), "the office needs an id and a name")
	} else if sections[p.Office.ID] {
		r.Add("office.id", path("office", "id"), "office id %q is also a section", p.Office.ID)
	}
	checkSections := func(field string, at []any, ids []string) {
		for j, id := range ids {
			if !sections[id] {
				r.Add(fmt.Sprintf("%s[%d]", field, j), append(at, j), "unknown section %q", id)
			}
		}
	}
	if len(p.DefaultOwners) == 0 {
		r.Add("default_owners", path("default_owners"), "default owners are required")
	}
	checkSections("default_owners", path("default_owners"), p.DefaultOwners)

	phases := map[int]bool{}
	for i, ph := range p.Phases {
		if phases[ph.N] {
			r.Add(fmt.Sprintf("phases[%d].n", i), path("phases", i, "n"), "duplicate phase %d", ph.N)
		}
		phases[ph.N] = true
		if ph.Ends.IsZero() {
			r.Add(fmt.Sprintf("phases[%d].ends", i), path("phases", i), "phase %d needs an end date", ph.N)
		}
	}

	sectors := map[string]bool{}
	for i, s := range p.Sectors {
		field := fmt.Sprintf("sectors[%d]", i)
		if !idRE.MatchString(s.ID) {
			r.Add(field+".id", path("sectors", i, "id"), "sector id %q must be lower-case letters, digits and dashes", s.ID)
		} else if sectors[s.ID] {
			r.Add(field+".id", path("sectors", i, "id"), "duplicate sector %q", s.ID)
		}
		sectors[s.ID] = true
		if len(s.Sections) == 0 {
			r.Add(field+".sections", path("sectors", i), "sector %q needs responsible sections", s.ID)
		}
		checkSections(field+".sections", path("sectors", i, "sections"), s.Sections)
		for _, m := range sortedKeys(s.Targets) {
			if !metrics[m] {
				r.Add(field+".targets."+m, path("sectors", i, "targets", m), "unknown metric %q", m)
			} else if s.Targets[m] < 0 {
				r.Add(field+".targets."+m, path("sectors", i, "targets", m), "target %d is negative", s.Targets[m])
			}
		}
	}

	p.tasks = map[int]*Task{}
	firstLine := map[int]int{}
	for i := range p.Tasks {
		t := &p.Tasks[i]
		field := fmt.Sprintf("tasks[%d]", i)
		at := path("tasks", i)
		if t.N < 1 {
			r.Add(field+".n", path("tasks", i, "n"), "task number %d must be 1 or more", t.N)
		} else if prev, dup := p.tasks[t.N]; dup {
			r.Add(field+".n", path("tasks", i, "n"), "duplicate task number %d (first at line %d)", prev.N, firstLine[t.N])
		} else {
			p.tasks[t.N] = t
			firstLine[t.N] = f.Line(path("tasks", i, "n")...)
		}
		if t.Month < 1 || t.Month > 12 {
			r.Add(field+".month", path("tasks", i, "month"), "task %d: month %d outside 1–12", t.N, t.Month)
		}
		if len(p.Phases) > 0 && !phases[t.Phase] {
			r.Add(field+".phase", path("tasks", i, "phase"), "task %d: unknown phase %d", t.N, t.Phase)
		}
		if t.Text == "" {
			r.Add(field+".text", at, "task %d has no text", t.N)
		}
		switch n := utf8.RuneCountInString(t.Short); {
		case strings.TrimSpace(t.Short) == "":
			r.Add(field+".short", at, "task %d has no short title (at most %d characters, for lists on a phone)", t.N, ShortMax)
		case n > ShortMax:
			r.Add(field+".short", path("tasks", i, "short"), "task %d: short title %q has %d characters, more than %d", t.N, t.Short, n, ShortMax)
		case t.Enterprises != nil && sectionWord(t.Short) != "":
			r.Add(field+".short", path("tasks", i, "short"), "task %d: short title %q says %s, which is the bureau's word to its sections: enterprises read it", t.N, t.Short, sectionWord(t.Short))
		}
		checkSections(field+".owners", path("tasks", i, "owners"), t.Owners)
		if a := t.Enterprises; a != nil {
			for j, s := range a.Sizes {
				if !sizes[s] {
					r.Add(fmt.Sprintf("%s.enterprises.sizes[%d]", field, j), path("tasks", i, "enterprises", "sizes", j), "task %d: unknown size class %q", t.N, s)
				}
			}
			for j, s := range a.Trades {
				if !trades[s] {
					r.Add(fmt.Sprintf("%s.enterprises.trades[%d]", field, j), path("tasks", i, "enterprises", "trades", j), "task %d: unknown trade %q", t.N, s)
				}
			}
			for j, s := range a.Roles {
				if !roles[s] {
					known := "the plan declares no roles"
					if len(p.Roles) > 0 {
						known = "the plan's roles: " + strings.Join(p.RoleNames(), ", ")
					}
					r.Add(fmt.Sprintf("%s.enterprises.roles[%d]", field, j), path("tasks", i, "enterprises", "roles", j), "task %d: unknown role %q (%s)", t.N, s, known)
				}
			}
			if strings.TrimSpace(a.Action) == "" {
				r.Add(field+".enterprises.action", path("tasks", i, "enterprises"), "task %d addresses enterprises but has no action (what the enterprise itself must do)", t.N)
			} else if w := sectionWord(a.Action); w != "" {
				r.Add(field+".enterprises.action", path("tasks", i, "enterprises", "action"), "task %d: action %q says %s, the bureau's instruction to its sections: say what the enterprise itself does", t.N, a.Action, w)
			}
		}
		if c := t.Cycle; c != nil && (c.Kind == "" || c.Round < 1 || c.Round > 4) {
			r.Add(field+".cycle", path("tasks", i, "cycle"), "task %d: a cycle needs a kind and a round 1–4", t.N)
		}
	}
	if len(p.Tasks) > 0 {
		var missing []int
		for n := 1; n <= len(p.Tasks); n++ {
			if _, ok := p.tasks[n]; !ok {
				missing = append(missing, n)
			}
		}
		if len(missing) > 0 {
			r.Add("tasks", path("tasks"), "task numbers must run 1–%d without gaps; missing %v", len(p.Tasks), missing)
		}
	} else {
		r.Add("tasks", path("tasks"), "the plan has no tasks")
	}

	// Milestones: known task and metric, 1–100 percent, and within a metric
	// the percentage never falls as the months go on.
	type seen struct {
		month, percent, task, line int
	}
	byMetric := map[string][]seen{}
	for i, m := range p.Milestones {
		field := fmt.Sprintf("milestones[%d]", i)
		t, ok := p.tasks[m.Task]
		if !ok {
			r.Add(field+".task", path("milestones", i, "task"), "milestone names unknown task %d", m.Task)
		}
		if !metrics[m.Metric] {
			r.Add(field+".metric", path("milestones", i, "metric"), "unknown metric %q", m.Metric)
		}
		if m.Percent < 1 || m.Percent > 100 {
			r.Add(field+".percent", path("milestones", i, "percent"), "percent %d outside 1–100", m.Percent)
		}
		if ok && metrics[m.Metric] {
			byMetric[m.Metric] = append(byMetric[m.Metric], seen{t.Month, m.Percent, m.Task, f.Line(path("milestones", i)...)})
		}
	}
	for _, metric := range sortedKeys(byMetric) {
		list := byMetric[metric]
		sort.SliceStable(list, func(a, b int) bool { return list[a].month < list[b].month })
		for k := 1; k < len(list); k++ {
			prev, cur := list[k-1], list[k]
			if cur.percent < prev.percent {
				r.Problems = append(r.Problems, yamlfile.Problem{
					File: f.Name, Line: cur.line, Field: "milestones",
					Msg: fmt.Sprintf("%s milestone of task %d (%d%%, month %d) falls below task %d's %d%% of month %d",
						metric, cur.task, cur.percent, cur.month, prev.task, prev.percent, prev.month),
				})
			}
			if cur.month == prev.month {
				r.Problems = append(r.Problems, yamlfile.Problem{
					File: f.Name, Line: cur.line, Field: "milestones",
					Msg: fmt.Sprintf("%s has two milestones in month %d (tasks %d and %d)", metric, cur.month, prev.task, cur.task),
				})
			}
		}
	}

	for i, rep := range p.Reporting.Monthly {
		if rep.DueDay < 1 || rep.DueDay > 28 {
			r.Add(fmt.Sprintf("reporting.monthly[%d].due_day", i), path("reporting", "monthly", i, "due_day"), "due day %d outside 1–28", rep.DueDay)
		}
	}
	return r.Problems.Err()
}

// ShortMax is the most characters a task's short title may have.
const ShortMax = 14

// sectionWords are the bureau's instructions to its sections (督促、指导企业…):
// words an enterprise must not be sent as its own duty.
var sectionWords = []string{"督促", "指导"}

// sectionWord returns the first of sectionWords s contains, or "".
func sectionWord(s string) string {
	for _, w := range sectionWords {
		if strings.Contains(s, w) {
			return w
		}
	}
	return ""
}

func set(xs []string) map[string]bool {
	m := make(map[string]bool, len(xs))
	for _, x := range xs {
		m[x] = true
	}
	return m
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
