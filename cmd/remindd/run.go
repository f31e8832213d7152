package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/daemon"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/store"
)

// logger builds the process's logger: fields, not prose; no timestamps when
// journald adds its own.
func (a *app) logger(level string) (*logrus.Entry, error) {
	l := logrus.New()
	l.SetOutput(a.stderr)
	lv, err := logrus.ParseLevel(level)
	if err != nil {
		return nil, usageError{fmt.Sprintf("--log-level %q: want debug, info, warn or error", level)}
	}
	l.SetLevel(lv)
	l.SetFormatter(&logrus.TextFormatter{DisableTimestamp: os.Getenv("JOURNAL_STREAM") != "", FullTimestamp: true})
	return logrus.NewEntry(l), nil
}

// openDaemon opens and migrates the store and builds the daemon.
func (a *app) openDaemon(ctx context.Context, c *config.Config, p *plan.Plan, log *logrus.Entry, clock daemon.Clock) (*daemon.Daemon, *store.Store, error) {
	s, err := store.Open(ctx, a.storeAddr(c))
	if err != nil {
		return nil, nil, err
	}
	if from, to, err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, nil, err
	} else if from != to {
		log.WithFields(logrus.Fields{"from": from, "to": to}).Info("schema migrated")
	}
	host, _ := os.Hostname()
	d, err := daemon.New(daemon.Options{Config: c, Plan: p, Store: s, Log: log, Clock: clock,
		Worker: fmt.Sprintf("%s:%d", host, os.Getpid())})
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return d, s, nil
}

// run is the daemon.
func (a *app) run(args []string) error {
	fs := a.flags("run")
	listen := fs.String("listen", "127.0.0.1:9464", "`address` of /healthz and /metrics (empty: none)")
	level := fs.String("log-level", "info", "log `level`: debug, info, warn or error")
	at := fs.String("at", "", "live from this RFC 3339 `instant` on instead of now, at the clock's pace: to run a past plan (a demo) as a service")
	if err := noArgs(fs, args); err != nil {
		return err
	}
	log, err := a.logger(*level)
	if err != nil {
		return err
	}
	c, p, err := a.load()
	if err != nil {
		return err
	}
	if err := c.CheckFolders(); err != nil {
		return err
	}
	ctx, cancel := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer cancel()
	var clock daemon.Clock = daemon.WallClock{}
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return usageError{fmt.Sprintf("--at %q is not an RFC 3339 time such as 2024-05-24T09:00:00+08:00", *at)}
		}
		clock = daemon.ShiftTo(t)
		log.WithField("at", *at).Warn("living from --at on, not from now")
	}
	d, s, err := a.openDaemon(ctx, c, p, log, clock)
	if err != nil {
		return err
	}
	defer s.Close()
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	reload := make(chan struct{})
	go func() {
		for range hup {
			log.Info("SIGHUP: reloading config and plan")
			reload <- struct{}{}
		}
	}()
	h, err := daemon.Desk(c, p, s, log.WithField("component", "web"), clock)
	if err != nil {
		return err
	}
	o := daemon.RunOptions{Listen: *listen, Reload: reload, Load: a.load, Desk: h}
	if c.Web != nil {
		o.DeskListen = c.Web.Listen
	}
	return d.Run(ctx, o)
}
