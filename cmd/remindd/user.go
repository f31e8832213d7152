package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/remindd/remindd"
	"github.com/remindd/remindd/internal/printable"
	"github.com/remindd/remindd/store"
	"github.com/remindd/remindd/web"
)

// user manages desk accounts: user add NAME --role office|section
// [--section ID], the password read from standard input.
func (a *app) user(args []string) error {
	fs := a.flags("user")
	role := fs.String("role", "", "the account's `role`: office (every section; confirms and returns reports) or section (one section's tasks)")
	section := fs.String("section", "", "the section of a section account, by `id` or name (行业管理科)")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 || pos[0] != "add" {
		return usageError{"want user add NAME --role office|section [--section ID], the password on standard input"}
	}
	u := remindd.User{Name: pos[1], Role: *role, Section: *section}
	if err := checkUserName(u.Name); err != nil {
		return usageError{err.Error()}
	}
	switch u.Role {
	case remindd.RoleOffice:
		if u.Section != "" {
			return usageError{"--section: an office account sees every section; give no --section with --role office"}
		}
	case remindd.RoleSection:
		if u.Section == "" {
			return usageError{"--section: a section account needs --section ID"}
		}
	case "":
		return usageError{"--role: give --role office or --role section"}
	default:
		return usageError{fmt.Sprintf("--role %q: want office or section", u.Role)}
	}
	c, p, err := a.load()
	if err != nil {
		return err
	}
	if u.Role == remindd.RoleSection {
		sec, err := findSection(p, u.Section)
		if err != nil {
			return err
		}
		u.Section = sec.ID
	}
	pw, err := a.readPassword()
	if err != nil {
		return err
	}
	if problem := web.PasswordProblem(pw); problem != "" {
		return usageError{"standard input: " + problem}
	}
	hash, err := web.HashPassword(pw)
	if err != nil {
		return err
	}
	ctx := context.Background()
	s, err := a.openStore(ctx, c)
	if err != nil {
		return err
	}
	defer s.Close()
	if err := s.AddUser(ctx, u, hash); err != nil {
		if errors.Is(err, store.ErrUserExists) {
			return usageError{fmt.Sprintf("user %q exists already: choose another name", u.Name)}
		}
		return err
	}
	if u.Role == remindd.RoleSection {
		fmt.Fprintf(a.stdout, "user %s added: role section, section %s\n", u.Name, u.Section)
	} else {
		fmt.Fprintf(a.stdout, "user %s added: role office\n", u.Name)
	}
	return nil
}

// checkUserName refuses a name the desk's login form could not match: blank,
// with spaces around it, too long, or holding a control character.
func checkUserName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("NAME is blank")
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("NAME %q begins or ends with a space", name)
	}
	return printable.CheckField("NAME", name, web.MaxUserName, false)
}

// readPassword reads one line from standard input, without its line ending.
// On a terminal it asks on standard error and turns the echo off while the
// password is typed; the password is never printed nor logged.
func (a *app) readPassword() (string, error) {
	if f, ok := a.stdin.(*os.File); ok && isTerminal(f) {
		fmt.Fprint(a.stderr, "password (at least 8 characters): ")
		defer fmt.Fprintln(a.stderr)
		var pw string
		err := withoutEcho(f, func() error {
			var err error
			pw, err = readLine(f)
			return err
		})
		return pw, err
	}
	return readLine(a.stdin)
}

// readLine reads the password's line: at most 4 bytes a character of
// web.MaxPassword and its line ending; more is refused.
func readLine(r io.Reader) (string, error) {
	limit := 4*web.MaxPassword + 2
	line, err := bufio.NewReader(io.LimitReader(r, int64(limit))).ReadString('\n')
	switch {
	case err == io.EOF && len(line) == limit:
		return "", usageError{fmt.Sprintf("standard input: the password's line is longer than %d characters", web.MaxPassword)}
	case err != nil && err != io.EOF:
		return "", fmt.Errorf("read the password from standard input: %w", err)
	}
	line = strings.TrimSuffix(line, "\n")
	line = strings.TrimSuffix(line, "\r")
	return line, nil
}
