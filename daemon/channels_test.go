package daemon_test

import (
	"testing"

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/daemon"
	"github.com/remindd/remindd/internal/storetest"
)

// TestBuildNamesTheChannelOnce: a channel that cannot be built (here one
// no file gave, whose secret is not set) refuses the daemon, and a reload,
// with its name once: the channel's own error already names it.
func TestBuildNamesTheChannelOnce(t *testing.T) {
	c, p := fixture(t)
	c.Channels = append(c.Channels, config.Channel{Name: "sink", Type: "webhook", URLEnv: "REMINDD_TEST_UNSET_SINK_URL"})
	const want = "channel sink: url from environment variable REMINDD_TEST_UNSET_SINK_URL: not set"
	_, err := daemon.New(daemon.Options{Config: c, Plan: p, Log: quietLog(), Clock: &daemon.SetClock{}})
	if err == nil || err.Error() != want {
		t.Errorf("New: %v\nwant: %s", err, want)
	}
	good, _ := fixture(t)
	s := storetest.Backends(t)[0].Open(t)
	d, err := daemon.New(daemon.Options{Config: good, Plan: p, Store: s, Log: quietLog(), Clock: &daemon.SetClock{}})
	if err != nil {
		t.Fatal(err)
	}
	if err := d.Reload(c, p); err == nil || err.Error() != want {
		t.Errorf("Reload: %v\nwant: %s", err, want)
	}
}
