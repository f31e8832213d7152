package roster

import "github.com/remindd/remindd/plan"

// RulesOf are the values plan p allows in a roster: its sectors (by ID and
// name), size classes, trades and sections.
func RulesOf(p *plan.Plan) Rules {
	r := Rules{Sizes: p.SizeClasses, Trades: p.Trades, SectorNames: map[string]string{}}
	for _, s := range p.Sectors {
		r.Sectors = append(r.Sectors, s.ID)
		r.SectorNames[s.ID] = s.Name
	}
	for _, sec := range p.Sections {
		if sec.External {
			continue
		}
		s := Section{ID: sec.ID, Name: sec.Name}
		for _, sector := range p.Sectors {
			for _, id := range sector.Sections {
				if id == sec.ID {
					s.Sectors = append(s.Sectors, sector.ID)
				}
			}
		}
		r.Sections = append(r.Sections, s)
	}
	return r
}
