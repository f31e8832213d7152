package roster

import "github.com/remindd/remindd/plan"

// RulesOf are the values plan p allows in a roster: its sectors, size
// classes and trades.
func RulesOf(p *plan.Plan) Rules {
	r := Rules{Sizes: p.SizeClasses, Trades: p.Trades}
	for _, s := range p.Sectors {
		r.Sectors = append(r.Sectors, s.ID)
	}
	return r
}
