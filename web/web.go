// Package web serves the desk and the personal links: where answers come
// back. A recipient opens its personal link (/r/TOKEN) to see what it owes
// and report it done (办结); the office and the sections sign in to the desk
// to see progress, confirm (销号) or return (退办) reports and record what is
// done. Pages are html/template files embedded in the binary and parsed
// once, at New; GET and HEAD never change anything, and every change is a
// POST that passes the standard library's CrossOriginProtection.
//
// It reads the plan, decides nothing the rules decide (it asks schedule),
// and writes only through the store's Apply: the history of events is the
// store's.
package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/link"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/schedule"
	"github.com/remindd/remindd/store"
)

// DefaultSessionTTL is how long a desk session lasts when Options says not.
const DefaultSessionTTL = 12 * time.Hour

// Contact is who a reader of a page can call: a name and a phone number.
type Contact struct {
	Name  string
	Phone string
	// Person is who answers Phone, as enterprises are told to ask for.
	Person string
}

// Store is what the pages read and write; *store.Store has it.
type Store interface {
	Snapshot(ctx context.Context, planID string, at time.Time) (*remindd.State, error)
	Apply(ctx context.Context, planID string, changes []remindd.Event) ([]remindd.Event, error)
	CompletionsOf(ctx context.Context, planID string, who remindd.Recipient) ([]remindd.Completion, error)
	Reports(ctx context.Context, planID string) ([]remindd.Report, error)
	ReportCount(ctx context.Context, planID string) (int, error)
	Events(ctx context.Context, planID string, f store.EventFilter) ([]remindd.Event, error)
	Enterprise(ctx context.Context, code string) (remindd.Enterprise, bool, error)
	Enterprises(ctx context.Context) ([]remindd.Enterprise, error)
	AchieveOnce(ctx context.Context, planID string, a remindd.Achievement) (id int64, added bool, err error)
	Achievements(ctx context.Context, planID string) ([]remindd.Achievement, error)
	Undelivered(ctx context.Context, planID string, limit int) (store.Undelivered, error)
	Retry(ctx context.Context, ids []int64, now time.Time) (int, error)

	// The monthly reports, figures and forms (monthly.go, desk_figures.go,
	// desk_forms.go) and the enterprises' form attributes
	// (desk_attributes.go).
	MarkMonthlyReport(ctx context.Context, planID string, r remindd.MonthlyReport) (bool, error)
	MonthlyReports(ctx context.Context, planID string) ([]remindd.MonthlyReport, error)
	Figures(ctx context.Context, section string, month remindd.Month) (remindd.MonthlyFigures, bool, error)
	FiguresThrough(ctx context.Context, through remindd.Month) ([]remindd.MonthlyFigures, error)
	EnterFigures(ctx context.Context, planID string, f remindd.MonthlyFigures) (bool, error)
	UpdateEnterpriseAttributes(ctx context.Context, planID, code string, a store.EnterpriseAttributes, by, source string, at time.Time) (string, error)

	AddUser(ctx context.Context, u remindd.User, hash string) error
	UserByName(ctx context.Context, name string) (u remindd.User, hash string, ok bool, err error)
	CreateSession(ctx context.Context, id, user string, created, expires time.Time) error
	Session(ctx context.Context, id string, now time.Time) (remindd.User, bool, error)
	DeleteSession(ctx context.Context, id string) error
	LoginFailed(ctx context.Context, key string, at time.Time) error
	LoginFailures(ctx context.Context, key string, since time.Time) (int, error)
}

var _ Store = (*store.Store)(nil)

// Options are what the web handler is built from; the daemon fills them
// from its config.
type Options struct {
	Plan  *plan.Plan
	Store Store
	// Config is the rules' configuration (lead days, working days), as the
	// sweep reads it, so that a page shows what the messages say; nil is
	// config.Default().
	Config *config.Config
	Signer *link.Signer
	// BaseURL is what people open, such as https://remindd.example.gov.cn.
	BaseURL string
	// Office is named on every error page: who to call.
	Office Contact
	// Sections are the sections' contacts, by section id: an enterprise's
	// page names the section that supervises it.
	Sections map[string]Contact
	// Redact is what the outbox page shows of a notification's address and
	// last error: the daemon gives notify's masks, which hide a robot's
	// key. Nil shows neither the address nor the error's text, only what
	// the error's class means.
	Redact func(address, lastError string) (shownAddress, shownError string)
	// TrustedOrigins are origins (scheme://host[:port]) whose cross-origin
	// POSTs pass, such as a reverse proxy's that rewrites Host.
	TrustedOrigins []string
	// RequireConfirmation makes a report through a link wait for the
	// office's 销号; false records it done at once.
	RequireConfirmation bool
	SessionTTL          time.Duration
	// Now is the clock; nil is time.Now.
	Now func() time.Time
	// Log gets a line per request; nil is logrus's standard logger.
	Log *logrus.Entry
}

// handler serves the pages of one plan.
type handler struct {
	Options
	// engine is the rules, which say who owes what and how urgent it is.
	engine *schedule.Engine
	pages  pages
	mux    *http.ServeMux
	// behindCache keeps the sections' enterprises behind (behind.go).
	behindCache behindCache
	// overview keeps the desk overview's figures (desk_overview.go).
	overviewCache overviewCache
	// cards keeps the open items' cards (cards.go).
	cards cardCache
	// pending keeps the office's count of reports awaiting 销号
	// (pending.go).
	pending pendingCache
}

// New builds the handler of the desk and the personal links. It fails when
// an option is missing or wrong, or a template does not parse.
func New(o Options) (http.Handler, error) {
	var errs []error
	if o.Plan == nil {
		errs = append(errs, errors.New("web: Plan is required"))
	}
	if o.Store == nil {
		errs = append(errs, errors.New("web: Store is required"))
	}
	if o.Signer == nil {
		errs = append(errs, errors.New("web: Signer is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	if o.Config == nil {
		c := config.Default()
		o.Config = &c
	}
	if len(o.Config.Rules.LeadDays) == 0 {
		return nil, errors.New("web: Config.Rules.LeadDays is empty: the lead window needs a day")
	}
	if o.SessionTTL == 0 {
		o.SessionTTL = DefaultSessionTTL
	}
	if o.SessionTTL < 0 {
		return nil, fmt.Errorf("web: SessionTTL %v: want a positive duration", o.SessionTTL)
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Log == nil {
		o.Log = logrus.NewEntry(logrus.StandardLogger())
	}
	p, err := parsePages()
	if err != nil {
		return nil, err
	}
	h := &handler{Options: o, engine: schedule.New(o.Plan, o.Config), pages: p, mux: http.NewServeMux()}
	h.routes(h.mux)
	return h.middleware(h.mux)
}

// routes registers every page: the personal links' (link.go), the desk's
// (desk.go), the static files, and for anything else a Chinese 405 (a page
// asked with a method it does not take) or 404.
func (h *handler) routes(mux *http.ServeMux) {
	mux.Handle("GET /static/", h.static())
	h.linkRoutes(mux)
	h.deskRoutes(mux)
	h.monthlyRoutes(mux)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if allow := h.allowed(r); allow != "" {
			w.Header().Set("Allow", allow)
			h.errorPage(w, r, http.StatusMethodNotAllowed, "不支持这种请求方式",
				"这个页面只能在浏览器中打开，或通过页面上的按钮提交。请使用通知中的链接或工作台重新打开。")
			return
		}
		h.notFound(w, r)
	})
}

// allowed lists the methods r's path is served with, when it is a page but
// not one of r's method; "" when the path is no page. The catch-all "/"
// matches every method, so the mux's own 405 never comes.
func (h *handler) allowed(r *http.Request) string {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := h.mux.Handler(probe); pattern != "/" && pattern != "" {
			allow = append(allow, m)
			if m == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
		}
	}
	return strings.Join(allow, ", ")
}

// notFound answers 404 with a Chinese page.
func (h *handler) notFound(w http.ResponseWriter, r *http.Request) {
	h.errorPage(w, r, http.StatusNotFound, "页面不存在", "请检查网址是否完整，或使用通知中的链接重新打开。")
}
