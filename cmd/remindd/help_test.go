package main

import (
	"strings"
	"testing"
)

// TestEveryCommandsHelpSaysWhatAndHow walks every subcommand's --help: it
// exits 0 and starts with a line saying what the command does and a line
// with an example, then the synopsis and the flags. The example's own flags
// and arguments are given back to the command with --help, which parses
// them (an unknown flag or a bad value fails) and stops before running.
func TestEveryCommandsHelpSaysWhatAndHow(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range commands() {
		seen[c.name] = true
		t.Run(c.name, func(t *testing.T) {
			code, out, errs := cli(t, c.name, "--help")
			if code != 0 || out != "" {
				t.Fatalf("exit %d, stdout %q", code, out)
			}
			lines := strings.Split(errs, "\n")
			if len(lines) < 5 {
				t.Fatalf("help too short:\n%s", errs)
			}
			h := helps[c.name]
			if h.does == "" || h.example == "" {
				t.Fatalf("no help entry for %s in helps", c.name)
			}
			if want := "remindd " + c.name + ": " + h.does; lines[0] != want {
				t.Errorf("first line %q, want %q", lines[0], want)
			}
			example, ok := strings.CutPrefix(lines[1], "example: ")
			if !ok {
				t.Fatalf("second line %q, want an example", lines[1])
			}
			if !strings.Contains(errs, "\nusage: remindd "+c.name) || !strings.Contains(errs, "\nflags:\n") || !strings.Contains(errs, "  -config file") {
				t.Errorf("no synopsis or flags:\n%s", errs)
			}
			cmdline := example
			if _, after, piped := strings.Cut(example, "| "); piped { // what comes before feeds standard input
				cmdline = after
			}
			args, ok := strings.CutPrefix(cmdline, "remindd "+c.name+" ")
			if !ok {
				t.Fatalf("example %q does not run remindd %s", example, c.name)
			}
			code, _, errs = cli(t, append(append([]string{c.name}, strings.Fields(args)...), "--help")...)
			if code != 0 || !strings.HasPrefix(errs, lines[0]+"\n") {
				t.Errorf("the example's arguments with --help: exit %d:\n%s", code, errs)
			}
		})
	}
	for name := range helps {
		if !seen[name] {
			t.Errorf("help for %s, which is no command", name)
		}
	}
}
