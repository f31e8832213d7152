package remindd

// Recipient kinds.
const (
	KindSection    = "section"
	KindEnterprise = "enterprise"
	KindOffice     = "office"
)

// Recipient is who a notification is for, and who carries an obligation: a
// section of the bureau, an enterprise, or the office.
type Recipient struct {
	Kind string `json:"kind"`
	ID   string `json:"id"`
}

func (r Recipient) String() string { return r.Kind + ":" + r.ID }

// Enterprise is one enterprise a section supervises.
type Enterprise struct {
	ID      string // 统一社会信用代码
	Name    string
	Sector  string
	Size    string // 规上, 中等, 小微
	Trades  []string
	Contact string
	Email   string
	Mobile  string
	Webhook string
	Active  bool
}
