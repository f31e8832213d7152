package daemon

import (
	"context"
	"fmt"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/forms"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/render"
)

// xlsxType is the media type of an .xlsx file.
const xlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

// formsTimeout bounds the store reads and the spreadsheet writing of one
// month's forms: the digest does not wait for a stuck store longer than
// that, and goes without them.
const formsTimeout = time.Minute

// monthForms are one month's forms as the office's digest carries them.
type monthForms struct {
	files   []render.Attachment
	missing []remindd.SectionName
	failed  bool
}

// digestForms builds, for the months the fresh digests among ns report on,
// the bureau's forms 附件4 and 附件5 from the store: once per month however
// many of the office's contacts get the digest, and only when a digest is
// about to be enqueued (once a month). A month whose forms cannot be built
// is logged and marked failed: its digest still goes, saying so.
func (d *Daemon) digestForms(ctx context.Context, s *setup, ns []remindd.Notification, at time.Time) map[string]*monthForms {
	var out map[string]*monthForms
	for _, n := range ns {
		month := digestMonth(n)
		if month == "" {
			continue
		}
		if _, ok := out[month]; ok {
			continue
		}
		if out == nil {
			out = map[string]*monthForms{}
		}
		f, err := d.buildForms(ctx, s, month, at)
		if err != nil {
			d.log.WithFields(logrus.Fields{"month": month, "error": err.Error()}).Error("monthly forms not attached to the digest")
			f = &monthForms{failed: true}
		}
		out[month] = f
	}
	return out
}

// buildForms reads and writes the bureau's forms of month (YYYY-MM), as of
// the digest's day.
func (d *Daemon) buildForms(ctx context.Context, s *setup, month string, at time.Time) (*monthForms, error) {
	m, err := remindd.ParseMonth(month)
	if err != nil {
		return nil, fmt.Errorf("digest month: %w", err)
	}
	ctx, cancel := context.WithTimeout(ctx, formsTimeout)
	defer cancel()
	h := forms.Header{Date: plan.DateOf(at.In(s.plan.Location)), Phone: s.config.Office.Phone}
	f, err := forms.Read(ctx, d.store, s.plan, m, "", h)
	if err != nil {
		return nil, err
	}
	files, err := f.Files()
	if err != nil {
		return nil, err
	}
	out := &monthForms{}
	for _, file := range files {
		out.files = append(out.files, render.Attachment{Name: file.Name, ContentType: xlsxType, Data: file.Bytes})
	}
	for _, id := range f.Missing {
		name := id
		if sec, ok := s.plan.Section(id); ok {
			name = sec.Name
		}
		out.missing = append(out.missing, remindd.SectionName{ID: id, Name: name})
	}
	fields := logrus.Fields{"month": month, "files": len(files), "figures_missing": len(f.Missing)}
	if len(f.Uncounted) > 0 {
		fields["uncounted"] = f.Uncounted
	}
	d.log.WithFields(fields).Info("monthly forms built for the digest")
	return out, nil
}

// withForms is digest n telling of its month's forms: the files it
// carries, or that they could not be made, and the sections without
// figures. Its body is copied, not changed under another notification.
func (f *monthForms) withForms(n remindd.Notification) remindd.Notification {
	body := *n.Digest
	body.FormsFailed = f.failed
	body.FiguresMissing = f.missing
	body.Forms = nil
	for _, a := range f.files {
		body.Forms = append(body.Forms, a.Name)
	}
	n.Digest = &body
	return n
}

// digestMonth is the month a digest reports on, "" for any other message.
func digestMonth(n remindd.Notification) string {
	if n.Rule != remindd.Digest || n.Digest == nil {
		return ""
	}
	return n.Digest.Month
}
