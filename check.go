package remindd

import (
	"fmt"
	"slices"
	"strings"

	"github.com/remindd/remindd/internal/printable"
	"github.com/remindd/remindd/plan"
)

// Bounds of the text a completion and an achievement hold, in characters:
// the columns' lengths in the MySQL schema (store/migrations/mysql), so
// that a value too long is refused by its check, naming the field, the same
// on every backend, and never by the database. A note is TEXT, 65,535 bytes
// on MySQL: 2,000 characters is a paragraph, and fits in any encoding.
const (
	MaxCreditCode      = 18   // a credit code; enterprises.credit_code CHAR(18)
	MaxDoneBy          = 255  // completions.done_by VARCHAR(255)
	MaxNote            = 2000 // completions.note TEXT
	MaxAchievementName = 255  // achievements.name VARCHAR(255)
)

// MetricDemoPost is the metric of demo posts, the only achievements that
// have a kind (PostKind).
const MetricDemoPost = "demo_post"

// A Namer says what a check calls a field in its messages: the command line
// calls them by its flags ("--sector"). A nil Namer leaves the names as the
// checks spell them.
type Namer func(field string) string

func (n Namer) name(field string) string {
	if n == nil {
		return field
	}
	return n(field)
}

// Check reports the first thing in a that plan p refuses, or nil: in this
// order, a sector or metric the plan does not have, a blank name, a name
// or credit code longer than its column or holding a control character, a
// size class or demo post kind the plan does not have, or a kind on
// anything but a demo post. Its fields are "sector", "metric", "name",
// "enterprise", "size" and "kind" (PostKind), named by name. Whether the
// enterprise is known and whether the store holds the date are the store's
// to say.
func (a *Achievement) Check(p *plan.Plan, name Namer) error {
	if _, ok := p.Sector(a.Sector); !ok {
		return fmt.Errorf("%s %q: unknown sector", name.name("sector"), a.Sector)
	}
	if _, ok := p.Metric(a.Metric); !ok {
		ids := make([]string, len(p.Metrics))
		for i, m := range p.Metrics {
			ids[i] = m.ID
		}
		return fmt.Errorf("%s %q: want %s", name.name("metric"), a.Metric, either(ids))
	}
	if strings.TrimSpace(a.Name) == "" {
		return fmt.Errorf("%s is required", name.name("name"))
	}
	if err := printable.CheckField(name.name("name"), a.Name, MaxAchievementName, false); err != nil {
		return err
	}
	if err := printable.CheckField(name.name("enterprise"), a.Enterprise, MaxCreditCode, false); err != nil {
		return err
	}
	if a.Size != "" && !slices.Contains(p.SizeClasses, a.Size) {
		return fmt.Errorf("%s %q: want one of %s", name.name("size"), a.Size, strings.Join(p.SizeClasses, ", "))
	}
	if a.PostKind != "" && a.Metric != MetricDemoPost {
		return fmt.Errorf("%s %q is a demo post's kind: it needs %s %s", name.name("kind"), a.PostKind, name.name("metric"), MetricDemoPost)
	}
	if a.PostKind != "" && !slices.Contains(p.DemoPostKinds, a.PostKind) {
		return fmt.Errorf("%s %q: a demo post kind, one of %s", name.name("kind"), a.PostKind, strings.Join(p.DemoPostKinds, ", "))
	}
	return nil
}

// Check reports the first text of c that no store holds, or nil: who
// recorded it ("by") or the note ("note", where line feeds are allowed)
// longer than its column or holding a control character, or an
// enterprise's credit code ("enterprise") longer than a credit code. Its
// fields are named by name. Whether the task is in the plan and owed by the
// assignee is the plan's to say (plan.SectionOwes, plan.EnterpriseOwes).
func (c *Completion) Check(name Namer) error {
	if err := printable.CheckField(name.name("by"), c.By, MaxDoneBy, false); err != nil {
		return err
	}
	if err := printable.CheckField(name.name("note"), c.Note, MaxNote, true); err != nil {
		return err
	}
	if c.Assignee.Kind == KindEnterprise {
		return printable.CheckField(name.name("enterprise"), c.Assignee.ID, MaxCreditCode, false)
	}
	return nil
}

// either lists xs as "a, b or c".
func either(xs []string) string {
	if len(xs) < 2 {
		return strings.Join(xs, "")
	}
	return strings.Join(xs[:len(xs)-1], ", ") + " or " + xs[len(xs)-1]
}
