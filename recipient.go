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
	// Roles are the plan's names for what the bureau has chosen the
	// enterprise for, such as 标杆培育对象 (tasks 40, 80 and 98 address
	// "相关企业" by role).
	Roles []string
	// StdType is the standardisation type: 国标, 省标 or 地标; "" unknown.
	StdType string
	// Level is the standardisation level: 一级, 二级, 三级 or 自评; "" unknown.
	Level string
	// BenchmarkTier is the level of a benchmark enterprise: 市级 or 县级.
	BenchmarkTier string
	// Risk is the enterprise's risk colour: 红, 橙, 黄 or 蓝.
	Risk string
}
