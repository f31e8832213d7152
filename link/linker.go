package link

import (
	"fmt"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/plan"
)

// Linker makes recipients' personal links, BaseURL/r/TOKEN, valid until
// Expires.
type Linker struct {
	Signer *Signer
	// BaseURL is what people open, without a trailing slash.
	BaseURL string
	Expires time.Time
}

// NewLinker makes the linker of plan p's messages: its links open until
// Expiry(p).
func NewLinker(s *Signer, baseURL string, p *plan.Plan) *Linker {
	return &Linker{Signer: s, BaseURL: baseURL, Expires: Expiry(p)}
}

// URL is r's personal link.
func (l *Linker) URL(r remindd.Recipient) (string, error) {
	token, err := l.Signer.Mint(r, l.Expires)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s/r/%s", l.BaseURL, token), nil
}

// Expiry is when the links of plan p's messages expire: Grace after the end
// of its last day (23:59:59 in its zone), so that the year-end report can
// still be answered.
func Expiry(p *plan.Plan) time.Time {
	end := p.Ends().AddDays(1).In(p.Location).Add(-time.Second)
	return end.Add(Grace)
}
