package daemon

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/schedule"
)

// heartbeatTimeout bounds one heartbeat request.
const heartbeatTimeout = 10 * time.Second

// heartbeat tells the monitor at the config's heartbeat_url, if any, that
// runs included a successful sweep. The URL may carry a monitor's token: an
// error names its host only.
func (d *Daemon) heartbeat(ctx context.Context, runs []remindd.Run) error {
	target := d.current().config.HeartbeatURL
	if target == "" || !swept(runs) {
		return nil
	}
	host := "the heartbeat URL"
	if u, err := url.Parse(target); err == nil {
		host = u.Host
	}
	ctx, cancel := context.WithTimeout(ctx, heartbeatTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, target, nil)
	if err != nil {
		return fmt.Errorf("heartbeat to %s: bad request", host)
	}
	req.Header.Set("User-Agent", "remindd")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its text holds the whole URL
		}
		return fmt.Errorf("heartbeat to %s: %w", host, err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("heartbeat to %s: HTTP %s", host, resp.Status)
	}
	d.log.WithField("host", host).Debug("heartbeat sent")
	return nil
}

func swept(runs []remindd.Run) bool {
	for _, r := range runs {
		if r.Job == schedule.JobSweep {
			return true
		}
	}
	return false
}
