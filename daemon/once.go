package daemon

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/remindd/remindd/store"
)

// LeadOnce takes the job lock for a one-off run of the jobs (tick,
// simulate), so that it never runs them beside a running daemon: on MySQL,
// while another remindd holds the lock, it refuses. Alone on a SQLite file,
// it gives back to pending, due at now, what a killed predecessor left
// sending, to be sent again. release gives the lock back.
func (d *Daemon) LeadOnce(ctx context.Context, now time.Time) (release func(), err error) {
	l, err := d.store.Lock(ctx, "jobs")
	if errors.Is(err, store.ErrLocked) && d.store.Driver() == "mysql" {
		return nil, fmt.Errorf("another remindd is running the jobs on this database: %w", err)
	}
	if err != nil {
		return nil, err
	}
	if d.store.Driver() == "sqlite" {
		if _, err := d.store.ReleaseClaims(ctx, now); err != nil {
			d.releaseJobLock(l)
			return nil, err
		}
	}
	return func() { d.releaseJobLock(l) }, nil
}

func (d *Daemon) releaseJobLock(l *store.Lock) {
	if err := l.Release(); err != nil {
		d.log.WithError(err).Warn("release the job lock")
	}
}
