// Command bench measures remindd against the targets of the performance
// issue, on this machine, and writes bench/RESULTS.md:
//
//   - one full sweep (`remindd due` at 2 June 2024 09:00) against a bare
//     database/sql scan of the rows it reads, for populations of N
//     enterprises in fresh MariaDB databases;
//   - how sweep time and peak memory grow with N;
//   - draining 10,000 mails through the outbox to a loopback SMTP sink
//     against a bare go-mail loop on one connection;
//   - the daemon's CPU time over 60 idle seconds;
//   - the web desk's latency (recipient pages, the office overview, report
//     POSTs) over the store of 100k enterprises, under 20 concurrent
//     clients for 30 s per kind of page.
//
// Each number is the median of several runs of the real binary or the real
// packages; nothing here is a timed unit test. Run it through bench/run.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	_ "github.com/go-sql-driver/mysql"

	"github.com/remindd/remindd/plan"
)

type bench struct {
	server   string // user@tcp(host:port), no database
	admin    *sql.DB
	bin      string
	planPath string
	plan     *plan.Plan
	runs     int
	mails    int
	mailRuns int
	idle     time.Duration
	idleSize int
	// The desk under load (desk.go).
	deskSize    int
	deskClients int
	deskWindow  time.Duration
	deskWarm    time.Duration
	maxSweep    time.Duration
	maxRSS      int64
	profiles    string
	tmp         string
	keep        bool
	reuse       bool
	out         string
	created     []string // databases made, dropped at the end unless keep
	started     time.Time
}

func (b *bench) logf(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "[%6.1fs] %s\n", time.Since(b.started).Seconds(), fmt.Sprintf(format, args...))
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

func run() error {
	// Finer allocation sampling for the heap profiles.
	runtime.MemProfileRate = 64 << 10
	b := &bench{started: time.Now()}
	sizesFlag := flag.String("sizes", "1k,10k", "enterprise populations to sweep, comma-separated (k = thousand)")
	flag.IntVar(&b.runs, "runs", 5, "timed runs per sweep measurement (the median is reported)")
	flag.IntVar(&b.mails, "mails", 10000, "mails to deliver")
	flag.IntVar(&b.mailRuns, "mail-runs", 3, "timed delivery runs of each kind")
	flag.DurationVar(&b.idle, "idle", 60*time.Second, "idle window of the daemon")
	idleSize := flag.String("idle-size", "10k", "population of the idle daemon's store")
	flag.StringVar(&b.server, "mysql", "root@tcp(127.0.0.1:3306)", "MariaDB/MySQL server, user[:password]@tcp(host:port), no database")
	flag.StringVar(&b.bin, "bin", "bin/remindd", "the remindd binary")
	flag.StringVar(&b.planPath, "plan", "plans/jinjiang-2024.yaml", "the plan")
	flag.StringVar(&b.out, "out", "bench/RESULTS.md", "where to write the results (empty: stdout only)")
	flag.StringVar(&b.profiles, "profiles", "bench/out", "folder for pprof profiles (empty: none)")
	deskSize := flag.String("desk-size", "100k", "population of the desk's store")
	flag.IntVar(&b.deskClients, "desk-clients", 20, "concurrent clients of the desk")
	flag.DurationVar(&b.deskWindow, "desk-window", 30*time.Second, "timed window of each kind of desk load")
	flag.DurationVar(&b.deskWarm, "desk-warm", 3*time.Second, "untimed warm-up before each window")
	only := flag.String("only", "sweep,deliver,idle,desk", "which parts to run: sweep, deliver, idle, desk, import, forms (import or forms alone prints its section and leaves RESULTS.md)")
	importSize := flag.String("import-size", "100k", "rows of the .xlsx the import part imports")
	formsSize := flag.String("forms-size", "100k", "population of the forms' store")
	flag.DurationVar(&b.maxSweep, "max-sweep", 2*time.Minute, "stop a sweep process running longer")
	maxRSS := flag.Int64("max-rss-mb", 4096, "stop a sweep process using more resident memory (MB)")
	experiments := flag.Bool("experiments", true, "after each sweep, time other ways of reading the completions")
	flag.BoolVar(&b.keep, "keep", false, "keep the databases remindd_bench_* afterwards")
	flag.BoolVar(&b.reuse, "reuse", false, "desk: use the database remindd_bench_N an earlier run kept (-keep) instead of loading it again")
	command := flag.String("command", "", "the command line to record in the results (default: this program's)")
	flag.Parse()
	b.maxRSS = *maxRSS << 20
	sizes, err := parseSizes(*sizesFlag)
	if err != nil {
		return err
	}
	if b.idleSize, err = parseSize(*idleSize); err != nil {
		return err
	}
	if b.deskSize, err = parseSize(*deskSize); err != nil {
		return err
	}
	if b.deskClients <= 0 || b.deskWindow <= 0 || b.deskWarm < 0 {
		return fmt.Errorf("-desk-clients and -desk-window must be positive, -desk-warm not negative")
	}
	parts := map[string]bool{}
	for _, p := range strings.Split(*only, ",") {
		p = strings.TrimSpace(p)
		switch p {
		case "sweep", "deliver", "idle", "desk", "import", "forms":
			parts[p] = true
		default:
			return fmt.Errorf("-only %q: want parts among sweep, deliver, idle, desk, import and forms", p)
		}
	}
	if b.bin, err = filepath.Abs(b.bin); err != nil {
		return err
	}
	if b.planPath, err = filepath.Abs(b.planPath); err != nil {
		return err
	}
	if b.plan, err = plan.Load(b.planPath); err != nil {
		return err
	}
	if b.profiles != "" {
		if err := os.MkdirAll(b.profiles, 0o755); err != nil {
			return err
		}
	}
	if b.tmp, err = os.MkdirTemp("", "remindd-bench-"); err != nil {
		return err
	}
	defer os.RemoveAll(b.tmp)
	if b.admin, err = sql.Open("mysql", b.server+"/?parseTime=true&loc=UTC"); err != nil {
		return err
	}
	defer b.admin.Close()
	ctx := context.Background()
	defer func() {
		for _, name := range b.created {
			b.dropDB(ctx, name)
		}
	}()
	if err := b.admin.PingContext(ctx); err != nil {
		return fmt.Errorf("MariaDB at %s: %w", b.server, err)
	}
	rep := &report{started: time.Now(), command: *command}
	if rep.command == "" {
		rep.command = strings.Join(os.Args, " ")
	}
	rep.machine = b.machine(ctx)
	b.logf("machine: %s", strings.Join(rep.machine, "; "))

	if parts["import"] {
		n, err := parseSize(*importSize)
		if err != nil {
			return err
		}
		b.logf("import: a %d-row .xlsx", n)
		res, err := b.benchImport(ctx, n)
		if err != nil {
			return fmt.Errorf("import: %w", err)
		}
		fmt.Println(res.report())
		if len(parts) == 1 {
			return nil
		}
		rep.imports = res
	}

	sk, err := startSink()
	if err != nil {
		return err
	}
	defer sk.Close()

	keepForIdle, keepForDesk := "", ""
	if parts["sweep"] {
		b.logf("sweep: fixed cost on an empty store")
		if rep.empty, err = b.measureEmpty(ctx); err != nil {
			return fmt.Errorf("empty store: %w", err)
		}
		stopped := ""
		for _, n := range sizes {
			res := &sweepResult{n: n}
			rep.sweeps = append(rep.sweeps, res)
			if stopped != "" {
				res.procErr = "not run: " + stopped
				continue
			}
			b.logf("sweep %d enterprises: generating and loading", n)
			name, cfg, err := b.populate(ctx, n, res)
			if err != nil {
				return fmt.Errorf("populate %d: %w", n, err)
			}
			b.logf("  %d enterprises, %d completions, %d achievements, %d failed deliveries; generated in %s, loaded in %s",
				res.enterprises, res.completions, res.achv, res.failed, res.genTime.Round(time.Millisecond), res.insertTime.Round(time.Millisecond))
			if err := b.measureSweep(ctx, name, cfg, res); err != nil {
				return fmt.Errorf("sweep %d: %w", n, err)
			}
			if len(res.procWall) > 0 && *experiments {
				if err := b.readExperiments(ctx, name, res); err != nil {
					return fmt.Errorf("sweep %d: experiments: %w", n, err)
				}
			}
			if len(res.procWall) == 0 {
				stopped = fmt.Sprintf("the %d sweep was stopped (%s)", n, res.procErr)
			}
			kept := false
			if n == b.idleSize && parts["idle"] {
				keepForIdle, kept = name, true
			}
			if n == b.deskSize && parts["desk"] {
				keepForDesk, kept = name, true
			}
			if !kept {
				b.dropDB(ctx, name)
			}
		}
	}
	if parts["deliver"] {
		b.logf("delivery: %d mails", b.mails)
		if rep.deliver, err = b.benchDeliver(ctx, sk); err != nil {
			return fmt.Errorf("delivery: %w", err)
		}
	}
	if parts["idle"] {
		if keepForIdle == "" {
			b.logf("idle: loading a store of %d enterprises", b.idleSize)
			res := &sweepResult{n: b.idleSize}
			name, _, err := b.populate(ctx, b.idleSize, res)
			if err != nil {
				return err
			}
			keepForIdle = name
			if b.idleSize == b.deskSize && parts["desk"] {
				keepForDesk = name
			}
		}
		b.logf("idle: remindd run for %s on %d enterprises", b.idle, b.idleSize)
		rep.idle, err = b.benchIdle(ctx, b.idleSize, sk)
		if keepForIdle != keepForDesk {
			b.dropDB(ctx, keepForIdle)
		}
		if err != nil {
			return fmt.Errorf("idle: %w", err)
		}
	}
	if parts["desk"] {
		res := &deskResult{size: b.deskSize, clients: b.deskClients, window: b.deskWindow, warm: b.deskWarm, started: time.Now(), command: rep.command, machine: rep.machine}
		res.origin = "the one §1 swept"
		if keepForDesk == "" && b.reuse {
			if keepForDesk, err = b.kept(ctx, b.deskSize); err != nil {
				return err
			}
			res.origin = "one an earlier run kept (`-keep`, `-reuse`)"
		}
		if keepForDesk == "" {
			b.logf("desk: loading a store of %d enterprises", b.deskSize)
			sr := &sweepResult{n: b.deskSize}
			name, _, err := b.populate(ctx, b.deskSize, sr)
			if err != nil {
				return err
			}
			keepForDesk, res.loadTime = name, sr.genTime+sr.insertTime
			res.origin = fmt.Sprintf("loaded for this part in %s", ms(res.loadTime))
		}
		b.logf("desk: %d clients over the store of %d enterprises", b.deskClients, b.deskSize)
		err := b.benchDesk(ctx, keepForDesk, b.deskSize, res)
		b.dropDB(ctx, keepForDesk)
		if err != nil {
			return fmt.Errorf("desk: %w", err)
		}
		rep.desk = res
	}
	if parts["forms"] {
		n, err := parseSize(*formsSize)
		if err != nil {
			return err
		}
		b.logf("forms: remindd forms --month 2024-05 over %d enterprises", n)
		rep.forms = &formsResult{size: n}
		if err := b.benchForms(ctx, rep.forms); err != nil {
			return fmt.Errorf("forms: %w", err)
		}
	}
	rep.elapsed = time.Since(b.started)
	text := rep.results(b)
	fmt.Println(rep.summary(b))
	if b.out != "" {
		if err := os.WriteFile(b.out, []byte(text), 0o644); err != nil {
			return err
		}
		b.logf("wrote %s", b.out)
	}
	return nil
}

// measureEmpty times `remindd due` on an empty, migrated store: the fixed
// cost of a process (start, config, plan, connection) that no population
// changes.
func (b *bench) measureEmpty(ctx context.Context) (*sweepResult, error) {
	res := &sweepResult{n: 0}
	name := dbName("empty")
	if err := b.freshDB(ctx, name); err != nil {
		return nil, err
	}
	defer b.dropDB(ctx, name)
	cfg, err := b.writeConfig(name, 2525)
	if err != nil {
		return nil, err
	}
	if _, err := runProcess(ctx, b.maxSweep, b.maxRSS, nil, nil, b.bin, "migrate", "--config", cfg); err != nil {
		return nil, err
	}
	devnull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		return nil, err
	}
	defer devnull.Close()
	var stderr strings.Builder
	for i := 0; i <= b.runs; i++ {
		pr, err := runProcess(ctx, b.maxSweep, b.maxRSS, devnull, &stderr, b.bin,
			"due", "--config", cfg, "--at", sweepAt.Format(time.RFC3339), "--format", "json")
		if err != nil {
			return nil, fmt.Errorf("%w: %s", err, stderr.String())
		}
		if i > 0 { // the first run warms the page cache
			res.procWall, res.procCPU, res.procRSS = append(res.procWall, pr.wall), append(res.procCPU, pr.cpu), append(res.procRSS, pr.maxRSS)
		}
	}
	return res, nil
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		n, err := parseSize(f)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	slices.Sort(out)
	return out, nil
}

func parseSize(s string) (int, error) {
	s = strings.TrimSpace(strings.ToLower(s))
	mult := 1
	if v, ok := strings.CutSuffix(s, "k"); ok {
		s, mult = v, 1000
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("size %q: want a positive number such as 1000 or 10k", s)
	}
	return n * mult, nil
}
