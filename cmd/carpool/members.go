package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// members administers members from the command line; "members add" creates the first
// admin before anyone can sign in.
func (m *Main) members(ctx context.Context, args []string) error {
	if len(args) == 0 || args[0] != "add" {
		return fmt.Errorf("%w: members needs a subcommand: add", errUsage)
	}
	var email, name, phone, role string
	cfg, logger, err := m.load("members add", args[1:], func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "email address (required)")
		fs.StringVar(&name, "name", "", "full name (required)")
		fs.StringVar(&phone, "phone", "", "phone number")
		fs.StringVar(&role, "role", string(carpool.RoleMember), "member, fleet_manager or admin")
	})
	if err != nil {
		return err
	}
	password, err := readPassword(m)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg, logger, true)
	if err != nil {
		return err
	}
	defer store.Close()
	member, err := app.New(store, app.Options{}).AddMember(ctx,
		carpool.NewMember{Email: email, Name: name, Phone: phone, Password: password, Role: carpool.Role(role)})
	if err != nil {
		if code := carpool.ErrorCode(err); code == carpool.EINVALID || code == carpool.ECONFLICT {
			return fmt.Errorf("members add: %s", carpool.ErrorMessage(err))
		}
		return fmt.Errorf("members add: %w", err)
	}
	fmt.Fprintf(m.Stdout, "created %s %s (%s) with id %s\n", member.Role, member.Email, member.Name, member.ID)
	return nil
}

// readPassword reads the password from the first line of stdin, so that it never shows
// in the process list or the shell history.
func readPassword(m *Main) (string, error) {
	line, err := bufio.NewReader(m.Stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", fmt.Errorf("members add: read the password from stdin: %w", err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
