// Command remindd turns a yearly work plan into reminders: it decides what is
// due, remembers what is done and delivers the messages. Each subcommand
// parses its flags, calls one package function and prints the result.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"strings"
	"time"
	_ "time/tzdata" // the plan's zone must load on hosts without zoneinfo

	"github.com/remindd/remindd/config"
	"github.com/remindd/remindd/plan"
	"github.com/remindd/remindd/workday"
)

// memoryLimit is the Go runtime's soft memory limit of every command, the
// daemon's too, unless GOMEMLIMIT sets one (GOMEMLIMIT=off removes it). With
// the default GOGC alone the heap grows to twice what is live before a
// collection; near the limit the collector runs sooner instead, and past it
// gives up the limit rather than take more than about half the CPU, so that
// nothing fails over it. When due still encoded its JSON whole, a sweep of
// 100,000 enterprises peaked at 225 MB, at 145 MB under such a limit, no
// slower; it now peaks at about 105 MB either way, and the limit bounds the
// peak of larger stores. One whose sweep keeps more than the limit alive
// should set GOMEMLIMIT above it.
const memoryLimit = 128 << 20

func main() {
	if _, set := os.LookupEnv("GOMEMLIMIT"); !set {
		debug.SetMemoryLimit(memoryLimit)
	}
	os.Exit(runInput(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(a *app, args []string) error
}

func commands() []command {
	return []command{
		{"run", "run [--listen ADDR] [--at T]: the daemon, serving the web desk when the config has a web block", (*app).run},
		{"tick", "tick --at T: wake once at T, catch up, enqueue and deliver, exit", (*app).tick},
		{"simulate", "simulate --from A --to B: replay every scheduled job time from A to B", (*app).simulate},
		{"plan", "plan validate | plan show [--format json|table]: check or print the plan", (*app).plan},
		{"due", "due --at T [--format table|json]: what a tick at T would decide (keys already in the outbox included); writes nothing", (*app).due},
		{"status", "status --at T [--format table|json]: per section done, reported, overdue, upcoming; per sector and milestone", (*app).status},
		{"done", "done --task N|1-43,45 (--section ID|NAME | --enterprise CODE) [--at T]: record completions", (*app).done},
		{"undo", "undo --task N|1-43,45 (--section ID|NAME | --enterprise CODE) [--note WHY]: remove completions", (*app).undo},
		{"link", "link (--section ID | --enterprise CODE): print a recipient's personal link, as its messages carry it", (*app).link},
		{"baseline", "baseline --before DATE [--section ID|NAME] --by WHO --note WHY: at go-live, record everything due before DATE as done", (*app).baseline},
		{"completions", "completions import FILE.csv: record completions (task, section or credit_code, done_at, by, note); a bad file is refused whole", (*app).completions},
		{"forms", "forms --month YYYY-MM [--section ID] [--out DIR]: write the monthly forms 附件4 and 附件5 as .xlsx", (*app).forms},
		{"figures", "figures import FILE.csv: record the monthly figures sections entered for the forms; a bad file is refused whole", (*app).figures},
		{"achieve", "achieve --sector ID --metric benchmark|certified|demo_post --name X [--at DATE]: record an achievement", (*app).achieve},
		{"enterprises", "enterprises import FILE.csv|FILE.xlsx [--sheet NAME] | enterprises list: add or update enterprises; list them", (*app).enterprises},
		{"outbox", "outbox [--format table|json] | outbox retry (--key K | --failed): every notification and its delivery status; send failed ones again", (*app).outbox},
		{"migrate", "migrate: create or upgrade the store's schema", (*app).migrate},
		{"check-config", "check-config: validate the config and the plan it names", (*app).checkConfig},
		{"user", "user add NAME --role office|section [--section ID]: a desk account, its password read from standard input", (*app).user},
		{"history", "history [--task N] [--section ID] [--format table|json]: what was reported, confirmed, returned, recorded and undone, newest first", (*app).history},
		{"test-send", "test-send (--section ID | --channel NAME [--to ADDRESS]): send a test message now; writes nothing", (*app).testSend},
	}
}

// app carries what every subcommand shares.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	configPath     string
	store          string
	// storeTimeout bounds check-config's wait for the store; 0 means
	// storeCheckTimeout (tests shorten it).
	storeTimeout time.Duration
}

// usageError marks a mistake in the command line.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// run is runInput with nothing on standard input.
func run(args []string, stdout, stderr io.Writer) int {
	return runInput(args, strings.NewReader(""), stdout, stderr)
}

func runInput(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		a.usage(stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(a, args[1:])
			switch {
			case err == nil:
				return 0
			case errors.Is(err, flag.ErrHelp):
				return 0
			}
			fmt.Fprintf(stderr, "remindd %s: %v\n", c.name, err)
			var ue usageError
			if errors.As(err, &ue) {
				return 2
			}
			return 1
		}
	}
	fmt.Fprintf(stderr, "remindd: unknown command %q\n", args[0])
	a.usage(stderr)
	return 2
}

func (a *app) usage(w io.Writer) {
	fmt.Fprintln(w, "usage: remindd COMMAND [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-13s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nevery command takes --config FILE (default "+config.DefaultPath+") and --store DRIVER:DSN")
}

// flags returns a flag set with the common flags bound.
func (a *app) flags(name string) *flag.FlagSet {
	fs := flag.NewFlagSet("remindd "+name, flag.ContinueOnError)
	fs.SetOutput(a.stderr)
	fs.Usage = usageOf(name, fs)
	fs.StringVar(&a.configPath, "config", config.DefaultPath, "configuration `file`")
	fs.StringVar(&a.store, "store", "", "store as `DRIVER:DSN` (sqlite:PATH or mysql:DSN), overriding the config")
	return fs
}

// parse parses flags that may stand before, between or after positional
// arguments, and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, usageError{err.Error()}
		}
		args = fs.Args()
		if len(args) == 0 {
			return pos, nil
		}
		pos = append(pos, args[0])
		args = args[1:]
	}
}

// noArgs parses flags where no positional argument is allowed.
func noArgs(fs *flag.FlagSet, args []string) error {
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return usageError{fmt.Sprintf("unexpected argument %q", pos[0])}
	}
	return nil
}

// load reads the config and its plan and checks them against each other.
func (a *app) load() (*config.Config, *plan.Plan, error) {
	c, err := config.Load(a.configPath)
	if err != nil {
		return nil, nil, err
	}
	if a.store != "" {
		if _, _, err := config.SplitStore(a.store); err != nil {
			return nil, nil, usageError{"--store: " + err.Error()}
		}
		if config.StoreHasPassword(a.store) {
			return nil, nil, usageError{"--store: the DSN holds a password, which every user can read in ps: leave it out and name the password in the config with store_password_env or store_password_file (it applies to --store too)"}
		}
		c.Store = a.store
	}
	p, err := plan.Load(c.PlanPath())
	if err != nil {
		return nil, nil, err
	}
	if err := c.CheckPlan(p, workday.China{}.Covers); err != nil {
		return nil, nil, err
	}
	return c, p, nil
}

// storeAddr is the store to open: --store, or the config's with a relative
// SQLite path resolved against the config's folder, with the password of
// the config's store_password_env or store_password_file put into a MySQL
// DSN. It holds that secret: pass it to store.Open, never print it (print
// config.MaskStore(c.Store)).
func (a *app) storeAddr(c *config.Config) string {
	if a.store != "" {
		return c.OpenAddress(a.store)
	}
	if path, ok := strings.CutPrefix(c.Store, "sqlite:"); ok && !strings.HasPrefix(path, "file:") {
		return "sqlite:" + c.Resolve(path)
	}
	return c.OpenAddress(c.Store)
}
