package main

import (
	"context"
	"crypto/sha256"
	"fmt"
	"math"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// findingsMarker starts the hand-written part of RESULTS.md, which a new
// run keeps.
const findingsMarker = "<!-- findings: the text below this line is written by hand and kept by bench runs -->"

type report struct {
	started time.Time
	elapsed time.Duration
	command string
	machine []string
	empty   *sweepResult
	sweeps  []*sweepResult
	deliver *deliverResult
	idle    *idleResult
	desk    *deskResult
	forms   *formsResult
	imports *importResult
}

// machine describes the host and the database server.
func (b *bench) machine(ctx context.Context) []string {
	var out []string
	model, cores := "unknown", runtime.NumCPU()
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(l, "model name"); ok {
				model = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	out = append(out, fmt.Sprintf("CPU: %s, %d logical CPUs (nproc)", model, cores))
	if data, err := os.ReadFile("/proc/meminfo"); err == nil {
		for _, l := range strings.Split(string(data), "\n") {
			if v, ok := strings.CutPrefix(l, "MemTotal:"); ok {
				var kb int64
				fmt.Sscan(strings.TrimSpace(v), &kb)
				out = append(out, fmt.Sprintf("Memory: %.1f GiB", float64(kb)/(1<<20)))
			}
		}
	}
	if data, err := os.ReadFile("/proc/sys/kernel/osrelease"); err == nil {
		out = append(out, "Kernel: Linux "+strings.TrimSpace(string(data)))
	}
	out = append(out, "Go: "+runtime.Version()+" "+runtime.GOOS+"/"+runtime.GOARCH)
	if data, err := os.ReadFile(b.bin); err == nil {
		sum := sha256.Sum256(data)
		name := b.bin
		if wd, err := os.Getwd(); err == nil {
			name = strings.TrimPrefix(name, wd+"/")
		}
		out = append(out, fmt.Sprintf("Binary: %s, built from the work tree at the start of the run (sha256 %x…)", name, sum[:6]))
	}
	var version, flush, pool, binlog string
	if err := b.admin.QueryRowContext(ctx, "SELECT VERSION(), @@innodb_flush_log_at_trx_commit, @@innodb_buffer_pool_size, @@log_bin").
		Scan(&version, &flush, &pool, &binlog); err == nil {
		var poolBytes int64
		fmt.Sscan(pool, &poolBytes)
		out = append(out, fmt.Sprintf("Database: MariaDB/MySQL %s on 127.0.0.1:3306 (innodb_flush_log_at_trx_commit=%s, i.e. an fsync per commit; innodb_buffer_pool_size=%d MiB; log_bin=%s)",
			version, flush, poolBytes>>20, binlog))
	}
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		out = append(out, "Load average at start: "+strings.Join(strings.Fields(string(data))[:3], " "))
	}
	return out
}

// median is the middle of xs (the mean of the two middle ones), 0 when empty.
func median[T time.Duration | int64](xs []T) T {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) string {
	switch {
	case d == 0:
		return "–"
	case d < 10*time.Millisecond:
		return fmt.Sprintf("%.2f ms", float64(d)/1e6)
	case d < 10*time.Second:
		return fmt.Sprintf("%.0f ms", float64(d)/1e6)
	default:
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
}

func mb(b int64) string { return fmt.Sprintf("%.0f MB", float64(b)/(1<<20)) }

func mbu(b uint64) string { return fmt.Sprintf("%.1f MB", float64(b)/(1<<20)) }

func yesNo(ok bool) string {
	if ok {
		return "**yes**"
	}
	return "**no**"
}

func human(n int) string {
	if n >= 1000 && n%1000 == 0 {
		return fmt.Sprintf("%dk", n/1000)
	}
	return fmt.Sprint(n)
}

// largest is the biggest size whose process runs finished.
func (r *report) largest() *sweepResult {
	for i := len(r.sweeps) - 1; i >= 0; i-- {
		if len(r.sweeps[i].procWall) > 0 {
			return r.sweeps[i]
		}
	}
	return nil
}

// exponent is k in t ∝ n^k between two sizes.
func exponent(n1, n2 int, t1, t2 float64) float64 {
	if t1 <= 0 || t2 <= 0 || n1 == n2 {
		return math.NaN()
	}
	return math.Log(t2/t1) / math.Log(float64(n2)/float64(n1))
}

type target struct{ what, measured, met string }

func (r *report) targets() []target {
	var out []target
	if big := r.largest(); big != nil {
		at := "at " + human(big.n)
		if big.n != 100000 {
			at += " (the target is stated at 100k; 100k was not measured in this run)"
		}
		wall, base := median(big.procWall), median(big.baseline)
		ratio := wall.Seconds() / base.Seconds()
		out = append(out,
			target{"sweep (`remindd due` process) ÷ bare scan ≤ 1.5 at 100k", fmt.Sprintf("%.2f× (%s ÷ %s) %s", ratio, ms(wall), ms(base), at), yesNo(ratio <= 1.5)},
			target{"sweep ≤ 2 s at 100k", fmt.Sprintf("%s %s", ms(wall), at), yesNo(wall <= 2*time.Second)},
			target{"sweep peak RSS ≤ 150 MB", fmt.Sprintf("%s %s", mb(median(big.procRSS)), at), yesNo(median(big.procRSS) <= 150<<20)})
		// Growth from the smallest to the largest size: the process net of
		// its fixed cost on an empty store, and the in-process sweep.
		fixed := 0.0
		if r.empty != nil {
			fixed = median(r.empty.procWall).Seconds()
		}
		if first := r.sweeps[0]; first != big && len(first.procWall) > 0 {
			k := exponent(first.n, big.n, median(first.procWall).Seconds()-fixed, wall.Seconds()-fixed)
			ki := exponent(first.n, big.n, first.inProcess().Seconds(), big.inProcess().Seconds())
			kb := exponent(first.n, big.n, median(first.baseline).Seconds(), base.Seconds())
			kr := exponent(first.n, big.n, float64(median(first.procRSS)), float64(median(big.procRSS)))
			out = append(out, target{"sweep time and peak memory grow linearly or better, " + human(first.n) + " → " + human(big.n) + " (exponent k of N^k ≤ 1.1)",
				fmt.Sprintf("`due` process (net of the empty-store cost) ∝ N^%.2f, in-process sweep ∝ N^%.2f (the bare scan itself ∝ N^%.2f); peak RSS ∝ N^%.2f; by step in §2", k, ki, kb, kr),
				yesNo(k <= 1.1 && kr <= 1.1)})
		}
	} else if len(r.sweeps) > 0 {
		out = append(out, target{"sweep", "no size finished: " + r.sweeps[0].procErr, "**no**"})
	}
	if d := r.deliver; d != nil {
		o, b := median(d.outbox), median(d.bare)
		rate := float64(d.mails) / o.Seconds()
		ratio := b.Seconds() / o.Seconds()
		out = append(out,
			target{"outbox ÷ bare go-mail throughput ≥ 0.8", fmt.Sprintf("%.2f (%.0f ÷ %.0f mails/s)", ratio, rate, float64(d.mails)/b.Seconds()), yesNo(ratio >= 0.8)},
			target{"outbox ≥ 500 mails/s", fmt.Sprintf("%.0f mails/s (%d mails in %s)", rate, d.mails, ms(o)), yesNo(rate >= 500)})
	}
	if i := r.idle; i != nil {
		out = append(out, target{"idle daemon CPU ≤ 0.2 s over 60 s", fmt.Sprintf("%.2f s over %s (%s enterprises)", i.cpu.Seconds(), i.window, human(i.size)),
			yesNo(i.cpu <= 200*time.Millisecond && i.window >= 60*time.Second)})
	}
	if r.desk != nil {
		out = append(out, r.desk.targets()...)
	}
	if f := r.forms; f != nil {
		wall, rss := median(f.wall), median(f.rss)
		out = append(out, target{fmt.Sprintf("forms of %s enterprises ≤ %s, RSS ≤ %s", human(f.size), ms(formsWallTarget), mb(formsRSSTarget)),
			fmt.Sprintf("%s, %s RSS", ms(wall), mb(rss)), yesNo(wall <= formsWallTarget && rss <= formsRSSTarget)})
	}
	if im := r.imports; im != nil {
		wall, rss := im.medians()
		out = append(out, target{fmt.Sprintf("import of a %s-row .xlsx ≤ %s, RSS ≤ %s", human(im.n), ms(importTargetWall), mb(importTargetRSS)),
			fmt.Sprintf("%s, %s RSS", ms(wall), mb(rss)), yesNo(wall <= importTargetWall && rss <= importTargetRSS)})
	}
	return out
}

func (r *report) summary(b *bench) string {
	var s strings.Builder
	fmt.Fprintf(&s, "\nremindd bench, %s, %s\n", r.started.UTC().Format(time.RFC3339), strings.Join(r.machine[:1], ""))
	if r.empty != nil {
		fmt.Fprintf(&s, "  fixed cost of `due` on an empty store: %s, %s RSS\n", ms(median(r.empty.procWall)), mb(median(r.empty.procRSS)))
	}
	for _, x := range r.sweeps {
		if len(x.procWall) == 0 {
			fmt.Fprintf(&s, "  %7s enterprises: %s\n", human(x.n), x.procErr)
			continue
		}
		fmt.Fprintf(&s, "  %7s enterprises: due %s (%s RSS), bare scan %s, ratio %.1f; in-process snapshot %s + Due %s + JSON %s\n",
			human(x.n), ms(median(x.procWall)), mb(median(x.procRSS)), ms(median(x.baseline)),
			median(x.procWall).Seconds()/median(x.baseline).Seconds(), ms(median(x.snapshot)), ms(median(x.due)), ms(median(x.encode)))
	}
	if d := r.deliver; d != nil {
		fmt.Fprintf(&s, "  delivery of %d mails: outbox %s (%.0f/s), bare go-mail %s (%.0f/s)\n", d.mails,
			ms(median(d.outbox)), float64(d.mails)/median(d.outbox).Seconds(), ms(median(d.bare)), float64(d.mails)/median(d.bare).Seconds())
	}
	if i := r.idle; i != nil {
		fmt.Fprintf(&s, "  idle daemon: %.2f s CPU over %s\n", i.cpu.Seconds(), i.window)
	}
	if r.desk != nil {
		s.WriteString(r.desk.summary())
	}
	if r.forms != nil {
		s.WriteString(r.forms.summary())
	}
	s.WriteString("\ntargets:\n")
	for _, t := range r.targets() {
		fmt.Fprintf(&s, "  %-60s %-70s %s\n", t.what, t.measured, strings.Trim(t.met, "*"))
	}
	return s.String()
}

func (r *report) markdown(b *bench) string {
	var s strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&s, format, args...) }
	w("# remindd benchmark results\n\n")
	w("Written by `bench/run` (the program in `bench/`) on %s, in %s. Every figure is the median of several runs on this machine; the runs of the things compared are interleaved, so drift hits both sides alike.\n\n",
		r.started.UTC().Format("2006-01-02 15:04 MST"), r.elapsed.Round(time.Second))
	w("Command:\n\n```sh\n%s\n```\n\n", r.command)
	w("## Machine\n\n")
	for _, m := range r.machine {
		w("- %s\n", m)
	}
	if data, err := os.ReadFile("/proc/loadavg"); err == nil {
		w("- Load average at the end: %s\n", strings.Join(strings.Fields(string(data))[:3], " "))
	}
	w("\n## Targets\n\n| target | measured | met |\n| --- | --- | --- |\n")
	for _, t := range r.targets() {
		w("%s\n", rowOf(t))
	}
	// What this run did not measure of the desk stays as the last run wrote it.
	old, _ := os.ReadFile(resultsPath(b))
	oldSection, oldRows := oldDesk(string(old))
	if r.desk == nil {
		for _, row := range oldRows {
			w("%s\n", row)
		}
	}

	if len(r.sweeps) > 0 || r.empty != nil {
		w("\n## 1. One full sweep against a bare scan\n\n")
		w("The sweep is the `bin/remindd due --config C --at 2024-06-02T09:00:00+08:00 --format json > /dev/null` process, wall time from start to exit (the daily sweep and the 2 June digest run; the agenda ran on 1 June), %d runs after one warm-up. "+
			"The baseline is the time the same database takes to hand the rows the sweep reads (completions done by then, every enterprise, the plan's achievements, its failed notifications and job runs: the same columns and conditions as `store.Snapshot` and `LastRuns`) to a bare `database/sql` scan into Go values, in this process, on a warm connection. "+
			"The in-process columns call `store.Snapshot` + `LastRuns`, `schedule.New(p, c).Due` and the JSON encoding directly.\n\n", b.runs)
		w("| enterprises | completions | rows scanned | notifications (JSON) | `due` process | bare scan | ratio | process CPU | in-process Snapshot | Due | JSON | Snapshot+Due+JSON ÷ scan |\n")
		w("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
		if e := r.empty; e != nil {
			w("| 0 (empty store) | 0 | 0 | 0 | %s | – | – | %s | – | – | – | – |\n", ms(median(e.procWall)), ms(median(e.procCPU)))
		}
		for _, x := range r.sweeps {
			if len(x.procWall) == 0 {
				w("| %s | %d | – | – | %s | | | | | | | |\n", human(x.n), x.completions, x.procErr)
				continue
			}
			inproc := median(x.snapshot) + median(x.due) + median(x.encode)
			w("| %s | %d | %d | %d (%.1f MB) | %s | %s | **%.1f×** | %s | %s | %s | %s | %.1f× |\n",
				human(x.n), x.completions, x.baselineRows, x.notifications, float64(x.jsonBytes)/(1<<20),
				ms(median(x.procWall)), ms(median(x.baseline)), median(x.procWall).Seconds()/median(x.baseline).Seconds(),
				ms(median(x.procCPU)), ms(median(x.snapshot)), ms(median(x.due)), ms(median(x.encode)),
				inproc.Seconds()/median(x.baseline).Seconds())
		}
		w("\nNotifications by rule:\n\n")
		for _, x := range r.sweeps {
			if x.byRule == nil {
				continue
			}
			var parts []string
			for _, rule := range []string{"agenda", "lead", "overdue", "milestone", "digest", "quarterly"} {
				if x.byRule[rule] > 0 {
					parts = append(parts, fmt.Sprintf("%s %d", rule, x.byRule[rule]))
				}
			}
			w("- %s: %s\n", human(x.n), strings.Join(parts, ", "))
		}
		var withExp []*sweepResult
		for _, x := range r.sweeps {
			if len(x.experiments) > 0 {
				withExp = append(withExp, x)
			}
		}
		if len(withExp) > 0 {
			w("\nWhere the bare scan's time goes, and what reading less would cost (each the median of %d runs after a warm-up, on the same database, after the measurements above):\n\n", b.runs)
			w("| | ")
			for _, x := range withExp {
				w("%s | ", human(x.n))
			}
			w("\n| --- |")
			for range withExp {
				w(" ---: |")
			}
			w("\n| size of `completions` in the server (data + indexes) |")
			for _, x := range withExp {
				cell := ""
				for _, t := range x.tables {
					if t.name == "completions" {
						cell = fmt.Sprintf("%.1f MB + %.1f MB", float64(t.data)/(1<<20), float64(t.index)/(1<<20))
					}
				}
				w(" %s |", cell)
			}
			w("\n| bare scan, completions part (into strings) |")
			for _, x := range withExp {
				w(" %s |", ms(median(x.baseComp)))
			}
			w("\n| bare scan, enterprises part (into strings) |")
			for _, x := range withExp {
				w(" %s |", ms(median(x.baseEnt)))
			}
			for i, e := range withExp[0].experiments {
				w("\n| %s |", e.what)
				for _, x := range withExp {
					if i < len(x.experiments) && x.experiments[i].err != "" {
						w(" failed: %s |", strings.ReplaceAll(x.experiments[i].err, "|", "/"))
					} else if i < len(x.experiments) {
						w(" %s (%d rows) |", ms(median(x.experiments[i].took)), x.experiments[i].rows)
					} else {
						w(" |")
					}
				}
			}
			w("\n\n")
		}
		w("\n## 2. Growth from 1k up\n\n")
		w("Peak RSS is the `due` process's maximum resident set, as GNU time reports it (`/usr/bin/time -f %%M`; wait4's own figure would count the bench program's peak, which Linux carries across the vfork+exec that starts the child). Live memory is what stays reachable after a GC in this process: the `remindd.State` from `Snapshot`, then the notifications from `Due`. Allocated is what one call allocates in all.\n\n")
		w("Exponents k (time ∝ N^k) are against the previous size; the process's are net of its fixed cost on an empty store.\n\n")
		w("| enterprises | `due` process | per 1k enterprises (net) | k | in-process Snapshot+Due+JSON | k | bare scan | k | peak RSS | k | live State | live notifications | allocated by Snapshot | allocated by Due |\n")
		w("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
		fixed := time.Duration(0)
		if r.empty != nil {
			fixed = median(r.empty.procWall)
			w("| 0 | %s | | | | | | | %s | | | | | |\n", ms(fixed), mb(median(r.empty.procRSS)))
		}
		var prev *sweepResult
		for _, x := range r.sweeps {
			if len(x.procWall) == 0 {
				continue
			}
			wall := median(x.procWall)
			per := (wall - fixed) * 1000 / time.Duration(x.n)
			kt, ki, kb, kr := "", "", "", ""
			if prev != nil {
				kt = fmt.Sprintf("%.2f", exponent(prev.n, x.n, (median(prev.procWall)-fixed).Seconds(), (wall-fixed).Seconds()))
				ki = fmt.Sprintf("%.2f", exponent(prev.n, x.n, prev.inProcess().Seconds(), x.inProcess().Seconds()))
				kb = fmt.Sprintf("%.2f", exponent(prev.n, x.n, median(prev.baseline).Seconds(), median(x.baseline).Seconds()))
				kr = fmt.Sprintf("%.2f", exponent(prev.n, x.n, float64(median(prev.procRSS)), float64(median(x.procRSS))))
			}
			w("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s (%d allocs) | %s (%d allocs) |\n", human(x.n), ms(wall), ms(per), kt,
				ms(x.inProcess()), ki, ms(median(x.baseline)), kb,
				mb(median(x.procRSS)), kr, mbu(x.liveState), mbu(x.liveNotes), mbu(x.allocSnap), x.allocsSnap, mbu(x.allocDue), x.allocsDue)
			prev = x
		}
		w("\nAt 100k the server's read of the completions costs more per row than at 10k, in the bare scan as in the sweep: the covering index `completions_done` (its size with the table's in §1) is then larger than `innodb_buffer_pool_size` (under Machine), so every sweep reads index pages again.\n")
		w("\nThe same `due` process with the Go runtime's soft memory limit `GOMEMLIMIT=%s` (%d runs): ", memLimit, min(3, b.runs))
		var lims []string
		for _, x := range r.sweeps {
			if len(x.limWall) > 0 {
				lims = append(lims, fmt.Sprintf("%s: %s, peak RSS %s", human(x.n), ms(median(x.limWall)), mb(median(x.limRSS))))
			}
		}
		w("%s.\n", strings.Join(lims, "; "))
		w("\nLoading (not part of any measurement): ")
		var loads []string
		for _, x := range r.sweeps {
			if x.insertTime > 0 {
				loads = append(loads, fmt.Sprintf("%s enterprises, %d completions, %d achievements, %d failed deliveries in %s", human(x.n), x.completions, x.achv, x.failed, ms(x.insertTime)))
			}
		}
		w("%s.\n", strings.Join(loads, "; "))
	}

	if d := r.deliver; d != nil {
		w("\n## 3. Delivering %d mails\n\n", d.mails)
		var rules []string
		for _, rule := range []string{"agenda", "lead", "overdue", "milestone", "digest", "quarterly"} {
			if d.byRule[rule] > 0 {
				rules = append(rules, fmt.Sprintf("%s %d", rule, d.byRule[rule]))
			}
		}
		w("The outbox (a fresh database) holds %d pending e-mails rendered by `render.Renderer` from what the 2 June sweep decides for a generated population (%s), %.1f KB each on the wire (text, HTML and .ics, base64). "+
			"They go to an SMTP sink on loopback in this process (`github.com/emersion/go-smtp`, reading each message to the end), without TLS. "+
			"**Outbox**: `daemon.Deliver` (package `deliver`) drains them as the daemon does on MySQL: claims of `delivery.batch` = 100 with `FOR UPDATE SKIP LOCKED`, the next one taken while a batch is sent; each mail handed to the marker as the sink accepts it, and marked sent by one UPDATE per group of the sends completed since the last mark began (marks at most every 3 ms; the sender waits beyond a batch unmarked); one SMTP connection for the whole drain. "+
			"**Bare**: one go-mail client, `DialWithContext` once, then for each message build it with go-mail (same headers, parts and attachment) and `Send`, then `Close`. %d timed runs each, interleaved, after one warm-up each.\n\n",
			d.mails, strings.Join(rules, ", "), float64(d.mailBytes)/1024, d.mailRuns(b))
		o, bt := median(d.outbox), median(d.bare)
		w("| path | median time | mails/s | SMTP connections |\n| --- | ---: | ---: | ---: |\n")
		w("| outbox (`daemon.Deliver`) | %s | %.0f | %d |\n", ms(o), float64(d.mails)/o.Seconds(), d.outboxConns)
		w("| bare go-mail loop | %s | %.0f | 1 |\n", ms(bt), float64(d.mails)/bt.Seconds())
		w("| ratio (outbox ÷ bare throughput) | | **%.2f** | |\n\n", bt.Seconds()/o.Seconds())
		w("The outbox's parts, each timed alone over all %d messages (innodb_flush_log_at_trx_commit=%s):\n\n", d.mails, d.innodbFlush)
		w("| part | time | per message |\n| --- | ---: | ---: |\n")
		per := func(x time.Duration) string { return fmt.Sprintf("%.0f µs", float64(x)/float64(d.mails)/1e3) }
		w("| the store's work without sending: `store.Claim` 100, `store.MarkAllSent` them, until none is left | %s | %s |\n", ms(d.storeWork), per(d.storeWork))
		w("| decoding the stored JSON bodies | %s | %s |\n", ms(d.unmarshal), per(d.unmarshal))
		w("| building and serialising the go-mail messages (no network) | %s | %s |\n", ms(d.build), per(d.build))
		w("| marking them sent 100 per statement (`store.MarkAllSent`) | %s | %s |\n", ms(d.markBatch), per(d.markBatch))
		w("| marking each sent in its own transaction (`store.MarkSent` per message: one commit, one fsync each) | %s | %s |\n\n", ms(d.markEach), per(d.markEach))
		w("A claim's SELECTs with all %d messages pending (the first claim of a drain; in a transaction rolled back; the median of %d):\n\n| query | time | rows |\n| --- | ---: | ---: |\n", d.mails, b.runs)
		for _, e := range d.claimQueries {
			w("| %s | %s | %d |\n", e.what, ms(median(e.took)), e.rows)
		}
		w("\n")
		w("Setting up (not measured above): rendering the %d mails took %s, enqueueing them %s.\n", d.mails, ms(d.renderTime), ms(d.enqueueTime))
	}

	if i := r.idle; i != nil {
		w("\n## 4. The idle daemon\n\n")
		w("`bin/remindd run --config C --listen 127.0.0.1:0` on the store of %s enterprises (every job recorded as run just before, so nothing is due; the e-mail channel points at the sink). "+
			"It logs \"remindd started\" and then catches up beside its scheduler (a snapshot and an evaluation, which decide nothing here); the window starts once it is quiet (at most one clock tick of CPU in two seconds). "+
			"CPU is utime+stime from `/proc/PID/stat` (all threads, live and exited) over the window; then SIGTERM.\n\n", human(i.size))
		w("| measure | value |\n| --- | ---: |\n")
		w("| CPU over the idle window | **%.2f s** over %s (schedstat: %.3f s) |\n", i.cpu.Seconds(), i.window, i.schedCPU.Seconds())
		w("| start-up: until \"remindd started\" / until quiet (catch-up included) | %s / %s wall, %.2f s CPU |\n", ms(i.startup), ms(i.settle), i.startupCPU.Seconds())
		w("| CPU over its whole life (rusage) | %.2f s |\n", i.totalCPU.Seconds())
		w("| RSS at start / after the window / peak | %s / %s / %s |\n", mb(i.rssStart), mb(i.rssEnd), mb(i.maxRSS))
		if i.exitErr != "" {
			w("| exit | %s |\n", i.exitErr)
		} else {
			w("| exit after SIGTERM | status 0 |\n")
		}
		w("\n<details><summary>its log</summary>\n\n```\n%s\n```\n</details>\n", strings.Join(i.logLines, "\n"))
	}

	if r.desk != nil {
		w("\n%s", r.desk.section(b, true))
	} else if oldSection != "" {
		w("\n%s", oldSection)
	}
	if r.forms != nil || r.imports != nil {
		w("\n## 6. The monthly forms and the roster import\n\n")
		if r.forms != nil {
			w("`remindd forms --month 2024-05` (both .xlsx files, bureau-wide) over a MariaDB store of the size below; median of the runs, wall time and the process's peak RSS:\n\n%s\n", r.forms.summary())
		}
		if r.imports != nil {
			w("%s", strings.Replace(r.imports.report(), "## ", "### ", 1))
		}
	}

	w("\n## Profiles\n\n")
	w("CPU and allocation profiles of in-process sweeps (`store.Snapshot` + `LastRuns` + `Due` + JSON, %d iterations; the allocation profile is the difference over those iterations) and of one delivery run of each kind are in `%s/` (`go tool pprof -top FILE`). Their tops:\n", max(3, b.runs), b.profiles)
	for _, x := range r.sweeps {
		if x.cpuTop == "" {
			continue
		}
		w("\n<details><summary>sweep, %s enterprises: CPU (flat)</summary>\n\n```\n%s\n```\n</details>\n", human(x.n), x.cpuTop)
		w("\n<details><summary>sweep, %s enterprises: CPU (cumulative)</summary>\n\n```\n%s\n```\n</details>\n", human(x.n), x.cpuCum)
		w("\n<details><summary>sweep, %s enterprises: bytes allocated</summary>\n\n```\n%s\n```\n</details>\n", human(x.n), x.memTop)
		w("\n<details><summary>sweep, %s enterprises: bytes live with the State and the notifications held</summary>\n\n```\n%s\n```\n</details>\n", human(x.n), x.inuseTop)
	}
	if d := r.deliver; d != nil && d.outboxTop != "" {
		w("\n<details><summary>delivery through the outbox: CPU (flat; the sink runs in the same process)</summary>\n\n```\n%s\n```\n</details>\n", d.outboxTop)
		w("\n<details><summary>delivery through the outbox: CPU (cumulative)</summary>\n\n```\n%s\n```\n</details>\n", d.outboxCPUTotal)
		w("\n<details><summary>bare go-mail loop: CPU (flat)</summary>\n\n```\n%s\n```\n</details>\n", d.bareTop)
	}
	w("\n%s\n", findingsMarker)
	if _, tail, ok := strings.Cut(string(old), findingsMarker+"\n"); ok {
		s.WriteString(tail)
	}
	return s.String()
}

// deskOnly reports whether the run measured the desk and nothing else.
func (r *report) deskOnly() bool {
	return r.desk != nil && r.empty == nil && len(r.sweeps) == 0 && r.deliver == nil && r.idle == nil
}

// results is the text of RESULTS.md after the run: the whole file, or, for
// a run of the desk alone over an earlier file, that file with the desk's
// section and Targets rows replaced.
func (r *report) results(b *bench) string {
	if r.deskOnly() {
		if old, err := os.ReadFile(resultsPath(b)); err == nil && strings.Contains(string(old), "## Targets") {
			var rows []string
			for _, t := range r.desk.targets() {
				rows = append(rows, rowOf(t))
			}
			return spliceDesk(string(old), r.desk.section(b, false), rows)
		}
	}
	return r.markdown(b)
}

func (d *deliverResult) mailRuns(b *bench) int { return b.mailRuns }

// resultsPath is where an earlier RESULTS.md would be, to keep its findings.
func resultsPath(b *bench) string { return b.out }

// inProcess is the median in-process sweep: Snapshot, Due and JSON.
func (x *sweepResult) inProcess() time.Duration {
	return median(x.snapshot) + median(x.due) + median(x.encode)
}
