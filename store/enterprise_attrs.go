package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/remindd/remindd"
)

// ErrNoEnterprise is an enterprise the store does not have.
var ErrNoEnterprise = errors.New("no such enterprise")

// EnterpriseAttributes are what the monthly forms need to know about an
// enterprise, as the desk edits them: its roles, standardisation type and
// level, benchmark tier and risk colour ("" unknown).
type EnterpriseAttributes struct {
	Roles                               []string
	StdType, Level, BenchmarkTier, Risk string
}

// AttributesOf are e's attributes.
func AttributesOf(e remindd.Enterprise) EnterpriseAttributes {
	return EnterpriseAttributes{Roles: e.Roles, StdType: e.StdType, Level: e.Level, BenchmarkTier: e.BenchmarkTier, Risk: e.Risk}
}

// attributeChanges says, in the desk's Chinese, what differs from was to
// now: 风险等级：黄→红；角色：未填→标杆培育对象. Empty when nothing does.
func attributeChanges(was, now EnterpriseAttributes) string {
	shown := func(v string) string {
		if v == "" {
			return "未填"
		}
		return v
	}
	var out []string
	add := func(name, a, b string) {
		if a != b {
			out = append(out, name+"："+shown(a)+"→"+shown(b))
		}
	}
	add("角色", strings.Join(was.Roles, roleSep), strings.Join(now.Roles, roleSep))
	add("达标类型", was.StdType, now.StdType)
	add("级别", was.Level, now.Level)
	add("标杆层级", was.BenchmarkTier, now.BenchmarkTier)
	add("风险等级", was.Risk, now.Risk)
	return strings.Join(out, "；")
}

// UpdateEnterpriseAttributes sets the attributes of the enterprise of
// credit code, with an event (remindd.Edited, task 0, the enterprise its
// assignee, by and source as given, at, its note saying what changed) in
// the same transaction. It returns the note, "" when nothing changed (and
// then writes nothing), and ErrNoEnterprise for a code the store lacks. The
// values are checked by the database's constraints; the caller checks them
// against the plan (its roles) first, to say what is wrong.
func (s *Store) UpdateEnterpriseAttributes(ctx context.Context, planID, code string, a EnterpriseAttributes, by, source string, at time.Time) (string, error) {
	if at.IsZero() {
		at = s.now()
	}
	a.Roles = slices.Compact(slices.Clone(a.Roles))
	when, err := s.instant(at)
	if err != nil {
		return "", err
	}
	var note string
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		note = ""
		e, err := scanEnterprise(tx.QueryRowContext(ctx, `SELECT `+enterpriseColumns+` FROM enterprises WHERE credit_code = ?`+s.dialect.forUpdate, code))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNoEnterprise
		}
		if err != nil {
			return err
		}
		if note = attributeChanges(AttributesOf(e), a); note == "" {
			return nil
		}
		ev := remindd.Event{Action: remindd.Edited, Assignee: remindd.Recipient{Kind: remindd.KindEnterprise, ID: code},
			By: by, Source: source, Note: "报表信息 " + note, At: at}
		if err := ev.Check(nil); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE enterprises SET roles = ?, std_type = ?, level = ?, benchmark_tier = ?, risk = ?, updated_at = ?
WHERE credit_code = ?`, strings.Join(a.Roles, roleSep), a.StdType, a.Level, a.BenchmarkTier, a.Risk, when, code); err != nil {
			return err
		}
		_, err = s.addEvent(ctx, tx, planID, ev)
		return err
	})
	if err != nil {
		return "", fmt.Errorf("store: attributes of enterprise %s: %w", code, err)
	}
	return note, nil
}
