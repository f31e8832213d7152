package daemon

import (
	"net/http"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/notify"
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
		sections[sec.ID] = web.Contact{Name: name, Phone: sec.Phone, Person: sec.Contact}
	}
	return web.New(web.Options{
		Plan: p, Store: s, Config: c, Signer: signer, BaseURL: c.Web.BaseURL,
		Office:              web.Contact{Name: c.Office.Name, Phone: c.Office.Phone},
		Sections:            sections,
		Redact:              redact,
		TrustedOrigins:      c.Web.TrustedOrigins,
		RequireConfirmation: c.Web.RequireConfirmation,
		SessionTTL:          time.Duration(c.Web.SessionTTL),
		Now:                 clock.Now,
		Log:                 log,
	})
}

// redact is what the desk's outbox shows of a notification's address and
// last error: a robot's key masked in both, as remindd outbox prints them.
func redact(address, lastError string) (string, string) {
	return notify.MaskAddress(address), notify.MaskSecretsOf(address, lastError)
}
