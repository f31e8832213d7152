package daemon

import (
	"net/http"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/store"
	"github.com/remindd/remindd/web"
)

// Desk builds the web desk and personal links from the config's web
// block, reading clock: nil without a block. remindd run builds it once, at
// start: a reload (SIGHUP) changes the rules and channels, not the desk.
func Desk(c *config.Config, p *plan.Plan, s *store.Store, log *logrus.Entry, clock Clock) (http.Handler, error) {
	if c.Web == nil {
		return nil, nil
	}
	signer, err := Signer(c, true)
	if err != nil {
		return nil, err
	}
	sections := map[string]web.Contact{}
	for _, sec := range c.Sections {
		name := sec.ID
		if ps, ok := p.Section(sec.ID); ok {
			name = ps.Name
		}
		sections[sec.ID] = web.Contact{Name: name, Phone: sec.Phone}
	}
	return web.New(web.Options{
		Plan: p, Store: s, Config: c, Signer: signer, BaseURL: c.Web.BaseURL,
		Office:              web.Contact{Name: c.Office.Name, Phone: c.Office.Phone},
		Sections:            sections,
		TrustedOrigins:      c.Web.TrustedOrigins,
		RequireConfirmation: c.Web.RequireConfirmation,
		SessionTTL:          time.Duration(c.Web.SessionTTL),
		Now:                 clock.Now,
		Log:                 log,
	})
}
