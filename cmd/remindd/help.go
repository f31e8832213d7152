package main

import (
	"flag"
	"fmt"
	"strings"
)

// help is what a subcommand's --help says first: what it does, in one
// line, and one example of its use.
type help struct{ does, example string }

// helps holds every subcommand's help; a test holds it to commands().
var helps = map[string]help{
	"run": {"run the daemon: the jobs on schedule (catching up on start), delivery every minute, /healthz and /metrics, and the web desk",
		"remindd run --config /etc/remindd/config.yaml --listen 127.0.0.1:9464"},
	"tick": {"wake once at an instant as the daemon would, run the jobs whose time passed, enqueue and deliver, then exit",
		"remindd tick --at 2024-06-03T09:00:00+08:00 --config examples/config.yaml"},
	"simulate": {"replay every scheduled job time between two instants as the daemon would have lived them; only file and log channels are written unless --send",
		"remindd simulate --from 2024-05-20T00:00:00+08:00 --to 2024-06-08T00:00:00+08:00 --config examples/config.yaml"},
	"plan": {"check a plan file (plan validate) or print the plan's tasks, milestones and sector targets (plan show)",
		"remindd plan validate plans/jinjiang-2024.yaml"},
	"due": {"print the notifications a wake-up at an instant would decide, from the store's state, and how many are already in the outbox; writes nothing",
		"remindd due --at 2024-05-24T09:00:00+08:00 --config examples/config.yaml"},
	"status": {"print, per section, the tasks done, reported, overdue and upcoming, each milestone's progress and the enterprises overdue by sector",
		"remindd status --at 2024-06-08T00:00:00+08:00 --format json --config examples/config.yaml"},
	"done": {"record tasks done by a section or an enterprise, each with an event, all or none",
		"remindd done --task 1-43,45 --section 行业管理科 --by 林主任 --config examples/config.yaml"},
	"undo": {"take completions back, reopening the obligations, each with an event",
		"remindd undo --task 44 --section industry-mgmt --note 误登记 --config examples/config.yaml"},
	"link": {"print a recipient's personal link, the one its messages carry, to send it again by hand",
		"remindd link --section industry-mgmt --config examples/config.yaml"},
	"baseline": {"at go-live, record every obligation still open whose deadline is before a date as done",
		"remindd baseline --before 2024-05-01 --by 局办公室 --note 上线前已完成 --config examples/config.yaml"},
	"completions": {"record completions from a CSV file (task, section or credit code, date), all or none",
		"remindd completions import completions.csv --config examples/config.yaml"},
	"achieve": {"record a benchmark enterprise, a certified enterprise or a demo post of a sector",
		"remindd achieve --sector tourism --metric demo_post --name 某酒店党员模范岗 --kind 党员模范岗 --config examples/config.yaml"},
	"forms": {"write the monthly forms 附件4 and 附件5 of a month as .xlsx, counted from the roster, the achievements and the figures the sections entered",
		"remindd forms --month 2024-05 --out forms --config examples/config.yaml"},
	"figures": {"record the monthly figures the sections enter for the forms from a CSV file (figures import), all or none",
		"remindd figures import figures.csv --config examples/config.yaml"},
	"enterprises": {"add or update enterprises from a CSV or .xlsx file (enterprises import), or list those in the store (enterprises list)",
		"remindd enterprises import 企业名单.xlsx --sheet 名单 --config examples/config.yaml"},
	"outbox": {"list every notification and its delivery status (outbox), or put failed ones back to be sent (outbox retry)",
		"remindd outbox retry --failed --config examples/config.yaml"},
	"migrate": {"create or upgrade the store's schema",
		"remindd migrate --config examples/config.yaml"},
	"check-config": {"check the config and its plan as run would (templates, channels, folders, the store) and warn of what would go unsent, an expired plan included",
		"remindd check-config --config /etc/remindd/config.yaml"},
	"user": {"add a web desk account, its password read from standard input",
		"printf '%s\\n' \"$PASSWORD\" | remindd user add 林主任 --role office --config examples/config.yaml"},
	"history": {"print the events, newest first: what was reported, confirmed, returned, recorded or undone, by whom, how and when",
		"remindd history --section 行业管理科 --config examples/config.yaml"},
	"test-send": {"send a test message (marked 【测试】) now to a section's or the office's contacts, or to one address on one channel",
		"remindd test-send --section industry-mgmt --config examples/config.yaml"},
}

// usageOf is subcommand name's --help: what it does, an example, its
// synopsis (from commands()), then its flags.
func usageOf(name string, fs *flag.FlagSet) func() {
	return func() {
		w := fs.Output()
		h := helps[name]
		if h.does == "" {
			h.does = "see remindd help"
		}
		fmt.Fprintf(w, "remindd %s: %s\n", name, h.does)
		if h.example != "" {
			fmt.Fprintf(w, "example: %s\n", h.example)
		}
		for _, c := range commands() {
			if c.name == name {
				synopsis, _, _ := strings.Cut(c.summary, ": ")
				fmt.Fprintf(w, "\nusage: remindd %s\n", synopsis)
			}
		}
		fmt.Fprintln(w, "\nflags:")
		fs.PrintDefaults()
	}
}
