package main

import (
	"fmt"
	"os"
	"runtime"
	"slices"
	"strings"
	"time"
)

// The desk's section of RESULTS.md sits between these markers, so that a
// run of the desk alone (-only desk) replaces it and keeps the rest, and a
// run without the desk keeps the last one.
const (
	deskBegin = "<!-- desk: begin -->"
	deskEnd   = "<!-- desk: end -->"
	// deskRow starts the desk's rows of the Targets table.
	deskRow = "| desk: "
)

// kind finds the phase's kind of request by name; nil when it made none.
func (ph *deskPhase) kind(name string) *deskKind {
	for _, k := range ph.kinds {
		if k.name == name {
			return k
		}
	}
	return nil
}

// phase finds a phase by name; nil when it did not run.
func (d *deskResult) phase(name string) *deskPhase {
	for _, ph := range d.phases {
		if ph.name == name {
			return ph
		}
	}
	return nil
}

// errors counts every failed request of every phase, and every request.
func (d *deskResult) errors() (failed, all int) {
	for _, ph := range d.phases {
		for _, k := range ph.kinds {
			failed += k.errors
			all += k.all
		}
	}
	return failed, all
}

// p99 writes a kind's p99 against its target.
func p99Against(k *deskKind) (string, bool) {
	if k == nil || len(k.lat) == 0 {
		return "not measured", false
	}
	p, t := pct(k.lat, 0.99), deskTargets[k.name]
	return fmt.Sprintf("%s p99 %s (%.2f× the target; p50 %s, max %s, %d requests)", k.name, ms(p), p.Seconds()/t.Seconds(), ms(pct(k.lat, 0.5)), ms(pct(k.lat, 1)), len(k.lat)), p <= t
}

func (d *deskResult) targets() []target {
	at := fmt.Sprintf(", %s enterprises, %d clients, %s", human(d.size), d.clients, d.window)
	if d.size != 100000 || d.clients != 20 || d.window < 30*time.Second {
		at += " (the target is stated at 100k, 20 clients, 30 s)"
	}
	var out []target
	rec := d.phase("recipient pages")
	var sec, ent *deskKind
	if rec != nil {
		sec, ent = rec.kind(kindSection), rec.kind(kindEnterprise)
	}
	s1, ok1 := p99Against(sec)
	s2, ok2 := p99Against(ent)
	out = append(out, target{"desk: a recipient page (`GET /r/TOKEN`) p99 ≤ 50 ms" + at, s1 + "; " + s2, yesNo(ok1 && ok2)})
	var ov, post *deskKind
	if ph := d.phase("office overview"); ph != nil {
		ov = ph.kind(kindOverview)
	}
	if ph := d.phase("report POSTs"); ph != nil {
		post = ph.kind(kindPost)
	}
	s, ok := p99Against(ov)
	out = append(out, target{"desk: the office overview (`GET /desk`) p99 ≤ 300 ms" + at, s, yesNo(ok)})
	s, ok = p99Against(post)
	if post != nil && post.ranOut {
		s += "; the open obligations ran out before the window's end"
	}
	out = append(out, target{"desk: a report POST (`POST /r/TOKEN`) p99 ≤ 50 ms" + at, s, yesNo(ok && !post.ranOut)})
	failed, all := d.errors()
	written := d.reportedAfter - d.reportedBefore
	out = append(out, target{"desk: no errors",
		fmt.Sprintf("%d errors in %d requests (every phase, warm-ups included); %d reports answered as recorded, %d written in the store; %d lines in the server's error log", failed, all, d.posted, written, len(d.serverErrors)),
		yesNo(failed == 0 && written == d.posted && len(d.serverErrors) == 0)})
	return out
}

func (d *deskResult) summary() string {
	var s strings.Builder
	for _, ph := range d.phases {
		for _, k := range ph.kinds {
			fmt.Fprintf(&s, "  desk, %s: %s %d requests (%.0f/s), p50 %s, p99 %s, max %s, %d errors\n", ph.name, k.name, len(k.lat),
				float64(len(k.lat))/d.window.Seconds(), ms(pct(k.lat, 0.5)), ms(pct(k.lat, 0.99)), ms(pct(k.lat, 1)), k.errors)
		}
	}
	return s.String()
}

// section is the desk's part of RESULTS.md, between its markers. sameRun
// says the file's header (date, command, machine) is this run's.
func (d *deskResult) section(b *bench, sameRun bool) string {
	var s strings.Builder
	w := func(format string, args ...any) { fmt.Fprintf(&s, format, args...) }
	w("%s\n## 5. The desk under load\n\n", deskBegin)
	if sameRun {
		w("Measured in the run above, from %s UTC.\n\n", d.started.UTC().Format("2006-01-02 15:04"))
	} else {
		w("Measured alone on %s UTC, by:\n\n```sh\n%s\n```\n\non:\n\n", d.started.UTC().Format("2006-01-02 15:04"), d.command)
		for _, m := range d.machine {
			w("- %s\n", m)
		}
		if data, err := os.ReadFile("/proc/loadavg"); err == nil {
			w("- Load average at the end: %s\n", strings.Join(strings.Fields(string(data))[:3], " "))
		}
		w("\n")
	}
	w("The real handler (`web.New` with the options `remindd run` builds from its `web:` block, the example config's: `require_confirmation: true`, the office's and sections' telephones) over the MariaDB store of %s enterprises generated as in §1, "+
		"served by the daemon's hardened listener (`daemon.ListenHTTP`, its default limits) on 127.0.0.1 in this process, its clock that of `remindd run --at 2024-06-02T09:00:00+08:00`, its log formatted as the daemon's and dropped. "+
		"Each of %d clients is one browser: its own keep-alive connection, one request after another without pause; a request's latency runs from sending it to reading the last byte of its answer. "+
		"Each phase has %s of warm-up (not timed, its answers checked) and then %s timed; the CPU profile covers the timed window. "+
		"An error is a failed round trip, an answer other than 2xx (redirects are not followed) or a page without what it must show: a recipient page its recipient's name as heading and its count of overdue items as the rules count them at that instant (a section's page also its enterprises behind); a report, its confirmation (已收到您的报告, 任务N); the overview, the signed-in user. "+
		"Every report is a real write: an open obligation (due by the end of June) that nobody reported before, of an enterprise in one half of them (the pages drawn in the mixed phase are the other half's, so their counts stay exact).\n\n",
		human(d.size), d.clients, d.warm, d.window)
	w("The store is %s; what each page must show was worked out from the generated dataset again in %s. %d open obligations could be reported.\n\n", d.origin, ms(d.genTime), d.openPosts)
	w("| phase | request | timed requests | per second | p50 | p99 | max | p99 target | p99 ÷ target | errors / all requests | in the handler: p50 / p99 | answer size |\n")
	w("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, ph := range d.phases {
		for _, k := range ph.kinds {
			t := deskTargets[k.name]
			ratio := "–"
			if len(k.lat) > 0 {
				ratio = fmt.Sprintf("**%.2f×**", pct(k.lat, 0.99).Seconds()/t.Seconds())
			}
			size := "–"
			if len(k.lat) > 0 {
				size = fmt.Sprintf("%.1f KB", float64(k.bytes)/float64(len(k.lat))/1024)
			}
			extra := ""
			if k.ranOut {
				extra = " (ran out of open obligations)"
			}
			w("| %s | %s%s | %d | %.0f | %s | %s | %s | %s | %s | %d / %d | %s / %s | %s |\n", ph.name, k.name, extra, len(k.lat), float64(len(k.lat))/d.window.Seconds(),
				ms(pct(k.lat, 0.5)), ms(pct(k.lat, 0.99)), ms(pct(k.lat, 1)), ms(t), ratio, k.errors, k.all,
				ms(pct(k.server, 0.5)), ms(pct(k.server, 0.99)), size)
		}
	}
	w("\nCPU time over each timed window (%d logical CPUs give %s of it): this process is the server and its clients; the database is the MariaDB server's process; the others are the rest of the machine (its non-idle time in /proc/stat less these two).\n\n", runtime.NumCPU(), d.window*time.Duration(runtime.NumCPU()))
	w("| phase | timed requests | this process | per request | the database | per request | the others | CPUs busy | connections opened to the database | statements prepared / run, per request |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n")
	for _, ph := range d.phases {
		n := 0
		for _, k := range ph.kinds {
			n += len(k.lat)
		}
		per := func(x time.Duration) string {
			if n == 0 {
				return "–"
			}
			return ms(x / time.Duration(n))
		}
		others := max(0, ph.cpuAll-ph.cpuSelf-ph.cpuDB)
		perN := func(x int64) float64 { return float64(x) / float64(max(n, 1)) }
		w("| %s | %d | %.1f s | %s | %.1f s | %s | %.1f s | %.2f | %d | %.1f / %.1f |\n", ph.name, n, ph.cpuSelf.Seconds(), per(ph.cpuSelf), ph.cpuDB.Seconds(), per(ph.cpuDB), others.Seconds(), ph.cpuAll.Seconds()/d.window.Seconds(),
			ph.dbConns, perN(ph.dbPrepares), perN(ph.dbQuestions))
	}
	w("\nThe phases:\n\n")
	for _, ph := range d.phases {
		w("- **%s**: %s.\n", ph.name, ph.what)
	}
	w("\nThe targets are judged on the phases of one kind each (for recipient pages, on section and enterprise pages each); the mixed phase is shown beside them.\n")
	w("\nCold requests, the first of their kind after start: ")
	var cold []string
	for _, f := range d.first {
		cold = append(cold, fmt.Sprintf("%s %s", f.what, ms(f.took)))
	}
	w("%s.", strings.Join(cold, "; "))
	if len(d.login) > 0 {
		w(" The %d office logins (`POST /login`, all at once: an argon2id check each) took %s at the median, %s the slowest.", len(d.login), ms(median(d.login)), ms(slicesMax(d.login)))
	}
	w("\n\nOne request at a time, for %d enterprises drawn at random (after the cold requests, before the phases):\n\n| step | p50 | p99 | max |\n| --- | ---: | ---: | ---: |\n", len(firstOr(d.alone).took))
	for _, x := range d.alone {
		w("| %s | %s | %s | %s |\n", x.what, ms(pct(x.took, 0.5)), ms(pct(x.took, 0.99)), ms(pct(x.took, 1)))
	}
	written := d.reportedAfter - d.reportedBefore
	w("\nWrites: %d reports answered as recorded; the store's completions reported through links went from %d to %d (%d written).\n", d.posted, d.reportedBefore, d.reportedAfter, written)
	var samples []string
	for _, ph := range d.phases {
		for _, k := range ph.kinds {
			for _, e := range k.errSamples {
				samples = append(samples, ph.name+", "+e)
			}
		}
	}
	if len(samples) > 0 {
		w("\nErrors (the first of each kind):\n\n```\n%s\n```\n", strings.Join(samples, "\n"))
	}
	if len(d.serverErrors) > 0 {
		n := min(len(d.serverErrors), 10)
		w("\nThe server's error log (%d lines; the first %d):\n\n```\n%s\n```\n", len(d.serverErrors), n, strings.Join(d.serverErrors[:n], "\n"))
	}
	for _, ph := range d.phases {
		if ph.cpuTop == "" {
			continue
		}
		w("\n<details><summary>desk, %s: CPU of the whole process, clients included (flat)</summary>\n\n```\n%s\n```\n</details>\n", ph.name, ph.cpuTop)
		w("\n<details><summary>desk, %s: CPU (cumulative)</summary>\n\n```\n%s\n```\n</details>\n", ph.name, ph.cpuCum)
	}
	w("\n%s\n", deskEnd)
	return s.String()
}

func slicesMax(xs []time.Duration) time.Duration {
	var m time.Duration
	for _, x := range xs {
		m = max(m, x)
	}
	return m
}

func firstOr(xs []experiment) experiment {
	if len(xs) == 0 {
		return experiment{}
	}
	return xs[0]
}

// oldDesk is the desk's section and Targets rows of an earlier RESULTS.md.
func oldDesk(old string) (section string, rows []string) {
	if i := strings.Index(old, deskBegin); i >= 0 {
		if j := strings.Index(old[i:], deskEnd); j >= 0 {
			section = old[i:i+j+len(deskEnd)] + "\n"
		}
	}
	for _, l := range strings.Split(old, "\n") {
		if strings.HasPrefix(l, deskRow) {
			rows = append(rows, l)
		}
	}
	return section, rows
}

// spliceDesk puts the desk's section and Targets rows into an earlier
// RESULTS.md in place of its own, keeping everything else.
func spliceDesk(old, section string, rows []string) string {
	if i := strings.Index(old, deskBegin); i >= 0 {
		if j := strings.Index(old[i:], deskEnd); j >= 0 {
			rest := strings.TrimPrefix(old[i+j+len(deskEnd):], "\n")
			old = old[:i] + section + rest
		}
	} else if i := strings.Index(old, "\n## Profiles"); i >= 0 {
		old = old[:i+1] + section + "\n" + old[i+1:]
	} else if i := strings.Index(old, findingsMarker); i >= 0 {
		old = old[:i] + section + "\n" + old[i:]
	} else {
		old += "\n" + section
	}
	var lines []string
	for _, l := range strings.Split(old, "\n") {
		if !strings.HasPrefix(l, deskRow) {
			lines = append(lines, l)
		}
	}
	// After the last row of the table under "## Targets".
	at, state := -1, 0 // state: 0 before the heading, 1 after it, 2 in its table
scan:
	for i, l := range lines {
		switch {
		case state == 0 && strings.HasPrefix(l, "## Targets"):
			state = 1
		case state >= 1 && strings.HasPrefix(l, "|"):
			state, at = 2, i
		case state == 2:
			break scan
		}
	}
	if at < 0 {
		return strings.Join(lines, "\n")
	}
	out := append(slices.Clone(lines[:at+1]), rows...)
	return strings.Join(append(out, lines[at+1:]...), "\n")
}

func rowOf(t target) string { return fmt.Sprintf("| %s | %s | %s |", t.what, t.measured, t.met) }
