package plan

// Summary is the plan as `remindd plan show --format json` prints it.
type Summary struct {
	Plan       SummaryHeader      `json:"plan"`
	Phases     []SummaryPhase     `json:"phases"`
	Tasks      []SummaryTask      `json:"tasks"`
	Milestones []SummaryMilestone `json:"milestones"`
	Sectors    []SummarySector    `json:"sectors"`
	Sections   []Section          `json:"sections"`
	Roles      []Role             `json:"roles,omitempty"`
	Office     Section            `json:"office"`
	Reporting  Reporting          `json:"reporting"`
}

// SummaryHeader identifies the plan.
type SummaryHeader struct {
	ID       string `json:"id"`
	Year     int    `json:"year"`
	Timezone string `json:"timezone"`
	Document string `json:"document"`
	Title    string `json:"title"`
}

// SummaryPhase is a phase with its end date.
type SummaryPhase struct {
	N    int    `json:"n"`
	Name string `json:"name"`
	Ends Date   `json:"ends"`
}

// SummaryTask is a task with its deadline and resolved owners.
type SummaryTask struct {
	N           int             `json:"n"`
	Month       int             `json:"month"`
	Phase       int             `json:"phase"`
	Due         Date            `json:"due"`
	Text        string          `json:"text"`
	Short       string          `json:"short"`
	Responsible string          `json:"responsible"`
	Owners      []string        `json:"owners"`
	Audience    SummaryAudience `json:"audience"`
	Cycle       *Cycle          `json:"cycle,omitempty"`
}

// SummaryAudience says who must act on a task.
type SummaryAudience struct {
	Sections    bool     `json:"sections"`
	Enterprises bool     `json:"enterprises"`
	Sizes       []string `json:"sizes,omitempty"`
	Trades      []string `json:"trades,omitempty"`
	Roles       []string `json:"roles,omitempty"`
	// Action is what an enterprise meant must do; "" for the sections' own
	// work.
	Action string `json:"action,omitempty"`
}

// SummaryMilestone is a milestone with its deadline.
type SummaryMilestone struct {
	Task    int    `json:"task"`
	Metric  string `json:"metric"`
	Percent int    `json:"percent"`
	Month   int    `json:"month"`
	Due     Date   `json:"due"`
}

// SummarySector is a sector with its targets and sections.
type SummarySector struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	Responsible string         `json:"responsible"`
	Sections    []string       `json:"sections"`
	Targets     map[string]int `json:"targets"`
}

// Summarize builds the printable view of the plan.
func (p *Plan) Summarize() Summary {
	s := Summary{
		Plan: SummaryHeader{ID: p.ID, Year: p.Year, Timezone: p.Timezone,
			Document: p.Document.Number, Title: p.Document.Title},
		Sections:  p.Sections,
		Roles:     p.Roles,
		Office:    p.Office,
		Reporting: p.Reporting,
	}
	for _, ph := range p.Phases {
		s.Phases = append(s.Phases, SummaryPhase{N: ph.N, Name: ph.Name, Ends: ph.Ends})
	}
	for i := range p.Tasks {
		t := &p.Tasks[i]
		a := SummaryAudience{Sections: true}
		if t.Enterprises != nil {
			a.Enterprises = true
			a.Sizes, a.Trades = t.Enterprises.Sizes, t.Enterprises.Trades
			a.Roles, a.Action = t.Enterprises.Roles, t.Enterprises.Action
		}
		s.Tasks = append(s.Tasks, SummaryTask{
			N: t.N, Month: t.Month, Phase: t.Phase, Due: p.DueDate(t.Month), Text: t.Text, Short: t.Short,
			Responsible: p.ResponsibleOf(t), Owners: p.OwnersOf(t), Audience: a, Cycle: t.Cycle,
		})
	}
	for _, m := range p.Milestones {
		t, _ := p.Task(m.Task)
		s.Milestones = append(s.Milestones, SummaryMilestone{
			Task: m.Task, Metric: m.Metric, Percent: m.Percent, Month: t.Month, Due: p.DueDate(t.Month),
		})
	}
	for _, sec := range p.Sectors {
		targets := map[string]int{}
		for _, m := range p.Metrics {
			targets[m.ID] = sec.Targets[m.ID]
		}
		s.Sectors = append(s.Sectors, SummarySector{
			ID: sec.ID, Name: sec.Name, Responsible: sec.Responsible, Sections: sec.Sections, Targets: targets,
		})
	}
	return s
}
