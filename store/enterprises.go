package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"github.com/remindd/remindd"
)

// tradeSep joins an enterprise's trades in one column.
const tradeSep = "、"

// roleSep joins an enterprise's roles in one column.
const roleSep = "、"

const enterpriseColumns = `credit_code, name, sector, size_class, trades, contact_name, email, mobile, webhook, active, ` +
	`roles, std_type, level, benchmark_tier, risk`

// upsertBatch is how many enterprises one INSERT writes: a round trip per
// row made importing 100,000 take most of a minute on MariaDB.
const upsertBatch = 500

// UpsertEnterprises adds or updates enterprises by credit code, all in one
// transaction: one bad row writes nothing. It returns how many were added
// and how many already existed.
func (s *Store) UpsertEnterprises(ctx context.Context, list []remindd.Enterprise) (added, updated int, err error) {
	d := s.dialect
	const row = `(` + "?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?" + `)`
	upsert := func(n int) string {
		return `INSERT INTO enterprises (` + enterpriseColumns + `, updated_at) VALUES ` +
			strings.TrimSuffix(strings.Repeat(row+", ", n), ", ") + ` ` +
			d.doUpdate([]string{"credit_code"}, d.takeNew("name", "sector", "size_class", "trades", "contact_name",
				"email", "mobile", "webhook", "active", "roles", "std_type", "level", "benchmark_tier", "risk", "updated_at")...)
	}
	now, err := s.instant(s.now())
	if err != nil {
		return 0, 0, err
	}
	values := func(e remindd.Enterprise) []any {
		return []any{e.ID, e.Name, e.Sector, e.Size, strings.Join(e.Trades, tradeSep),
			e.Contact, e.Email, e.Mobile, e.Webhook, e.Active,
			strings.Join(e.Roles, roleSep), e.StdType, e.Level, e.BenchmarkTier, e.Risk, now}
	}
	err = s.inTx(ctx, nil, func(tx *sql.Tx) error {
		added, updated = 0, 0
		known, err := enterpriseCodes(ctx, tx)
		if err != nil {
			return err
		}
		full := upsert(upsertBatch)
		for start := 0; start < len(list); start += upsertBatch {
			batch := list[start:min(start+upsertBatch, len(list))]
			q := full
			if len(batch) < upsertBatch {
				q = upsert(len(batch))
			}
			args := make([]any, 0, len(batch)*16)
			for _, e := range batch {
				args = append(args, values(e)...)
			}
			if _, err := tx.ExecContext(ctx, q, args...); err != nil {
				// Name the row: a failed statement leaves the transaction
				// usable on both backends, so try them one at a time.
				one := upsert(1)
				for _, e := range batch {
					if _, rowErr := tx.ExecContext(ctx, one, values(e)...); rowErr != nil {
						return fmt.Errorf("enterprise %s: %w", e.ID, rowErr)
					}
				}
				return err
			}
			for _, e := range batch {
				if known[e.ID] {
					updated++
				} else {
					added++
					known[e.ID] = true
				}
			}
		}
		return nil
	})
	if err != nil {
		return 0, 0, fmt.Errorf("store: upsert enterprises: %w", err)
	}
	return added, updated, nil
}

func enterpriseCodes(ctx context.Context, tx *sql.Tx) (map[string]bool, error) {
	rows, err := tx.QueryContext(ctx, `SELECT credit_code FROM enterprises`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	known := map[string]bool{}
	for rows.Next() {
		var code string
		if err := rows.Scan(&code); err != nil {
			return nil, err
		}
		known[code] = true
	}
	return known, rows.Err()
}

// Enterprises lists every enterprise, active or not, by credit code.
func (s *Store) Enterprises(ctx context.Context) ([]remindd.Enterprise, error) {
	out, err := enterprises(ctx, s.db)
	if err != nil {
		return nil, fmt.Errorf("store: enterprises: %w", err)
	}
	return out, nil
}

// Enterprise returns the enterprise with the given credit code.
func (s *Store) Enterprise(ctx context.Context, code string) (remindd.Enterprise, bool, error) {
	row := s.db.QueryRowContext(ctx, `SELECT `+enterpriseColumns+` FROM enterprises WHERE credit_code = ?`, code)
	e, err := scanEnterprise(row)
	if errors.Is(err, sql.ErrNoRows) {
		return remindd.Enterprise{}, false, nil
	}
	if err != nil {
		return remindd.Enterprise{}, false, fmt.Errorf("store: enterprise %s: %w", code, err)
	}
	return e, true, nil
}

func enterprises(ctx context.Context, q dbtx) ([]remindd.Enterprise, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+enterpriseColumns+` FROM enterprises ORDER BY credit_code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []remindd.Enterprise
	for rows.Next() {
		e, err := scanEnterprise(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

func scanEnterprise(row interface{ Scan(...any) error }) (remindd.Enterprise, error) {
	var (
		e      remindd.Enterprise
		trades string
		roles  string
	)
	err := row.Scan(&e.ID, &e.Name, &e.Sector, &e.Size, &trades, &e.Contact, &e.Email, &e.Mobile, &e.Webhook, &e.Active,
		&roles, &e.StdType, &e.Level, &e.BenchmarkTier, &e.Risk)
	if trades != "" {
		e.Trades = strings.Split(trades, tradeSep)
	}
	if roles != "" {
		e.Roles = strings.Split(roles, roleSep)
	}
	return e, err
}

// ruleColumns are the columns of enterprises the rules read: not the
// contact's name or mobile number, nor the forms' attributes.
const ruleColumns = `credit_code, name, sector, size_class, trades, email, webhook, active, roles`

// ruleEnterprises lists every enterprise, active or not, by credit code,
// with the fields the rules read (Contact and Mobile are left empty). It
// reads a province's roster into as little memory as it can: each row's own
// text is one string, and the values many enterprises share (sector, size
// class, trades, roles) are held once: enterprises with the same trades
// share one Trades slice, and with the same roles one Roles slice, which
// nobody may modify. It makes room for about enterprises.
func ruleEnterprises(ctx context.Context, q dbtx, about int) ([]remindd.Enterprise, error) {
	rows, err := q.QueryContext(ctx, `SELECT `+ruleColumns+` FROM enterprises ORDER BY credit_code`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var (
		out                                          = make([]remindd.Enterprise, 0, about)
		code, name, sector, size, trades, mail, hook sql.RawBytes
		roles                                        sql.RawBytes
		own                                          []byte
		shared                                       = map[string]string{}
		tradeLists                                   = map[string][]string{}
		roleLists                                    = map[string][]string{}
	)
	intern := func(b []byte) string {
		if s, ok := shared[string(b)]; ok { // no allocation to look up
			return s
		}
		s := string(b)
		shared[s] = s
		return s
	}
	for rows.Next() {
		var e remindd.Enterprise
		if err := rows.Scan(&code, &name, &sector, &size, &trades, &mail, &hook, &e.Active, &roles); err != nil {
			return nil, err
		}
		own = append(append(append(append(own[:0], code...), name...), mail...), hook...)
		text := string(own)
		text, e.ID = text[len(code):], text[:len(code)]
		text, e.Name = text[len(name):], text[:len(name)]
		e.Email, e.Webhook = text[:len(mail)], text[len(mail):]
		e.Sector, e.Size = intern(sector), intern(size)
		e.Trades = sharedList(trades, tradeSep, tradeLists, intern)
		e.Roles = sharedList(roles, roleSep, roleLists, intern)
		out = append(out, e)
	}
	return out, rows.Err()
}

// sharedList splits a column of values joined by sep, once for every row
// with the same text: lists holds the lists split so far, intern the
// values.
func sharedList(b []byte, sep string, lists map[string][]string, intern func([]byte) string) []string {
	if len(b) == 0 {
		return nil
	}
	list, ok := lists[string(b)]
	if !ok {
		list = strings.Split(intern(b), sep)
		for i, t := range list {
			list[i] = intern([]byte(t))
		}
		lists[string(b)] = list
	}
	return list
}
