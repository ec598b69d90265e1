package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"golang.org/x/term"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

// memberCommands are the subcommands of "carpool members"; the operator who runs them
// holds the database credentials and acts as an admin (app.Operator).
var memberCommands = map[string]func(m *Main, ctx context.Context, args []string) error{
	"add":            (*Main).membersAdd,
	"list":           (*Main).membersList,
	"set-role":       (*Main).membersSetRole,
	"deactivate":     (*Main).membersDeactivate,
	"reactivate":     (*Main).membersReactivate,
	"reset-password": (*Main).membersResetPassword,
}

// members administers members from the command line; "members add" creates the first
// admin before anyone can sign in.
func (m *Main) members(ctx context.Context, args []string) error {
	if len(args) > 0 {
		if cmd, ok := memberCommands[args[0]]; ok {
			return cmd(m, ctx, args[1:])
		}
	}
	return fmt.Errorf("%w: members needs a subcommand: add, list, set-role, deactivate, reactivate or reset-password", errUsage)
}

// withApp loads the configuration of a members subcommand (its own flags bound by bind),
// opens the store and runs fn with the application layer over it.
func (m *Main) withApp(ctx context.Context, name string, args []string, bind func(*flag.FlagSet), fn func(a *app.App) error) error {
	cfg, logger, err := m.load("members "+name, args, bind)
	if err != nil {
		return err
	}
	store, err := openStore(ctx, cfg, logger, true)
	if err != nil {
		return err
	}
	defer store.Close()
	return fn(app.New(store, app.Options{Logger: logger, Limits: ptr(cfg.Limits()), Parking: cfg.Parking()}))
}

// userError turns a refusal the operator can act on into a plain message; anything else
// keeps its cause.
func userError(cmd string, err error) error {
	switch carpool.ErrorCode(err) {
	case carpool.EINVALID, carpool.ECONFLICT, carpool.ENOTFOUND, carpool.EFORBIDDEN:
		return fmt.Errorf("members %s: %s", cmd, carpool.ErrorMessage(err))
	}
	return fmt.Errorf("members %s: %w", cmd, err)
}

func (m *Main) membersAdd(ctx context.Context, args []string) error {
	var email, name, phone, role string
	return m.withApp(ctx, "add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "email address (required)")
		fs.StringVar(&name, "name", "", "full name (required)")
		fs.StringVar(&phone, "phone", "", "phone number")
		fs.StringVar(&role, "role", string(carpool.RoleMember), "member, fleet_manager, admin or site_security")
	}, func(a *app.App) error {
		password, err := m.newPassword("members add")
		if err != nil {
			return err
		}
		member, err := a.AddMember(ctx, carpool.NewMember{Email: email, Name: name, Phone: phone, Password: password, Role: carpool.Role(role)})
		if err != nil {
			return userError("add", err)
		}
		fmt.Fprintf(m.Stdout, "created %s %s (%s) with id %s\n", member.Role, member.Email, member.Name, member.ID)
		return nil
	})
}

func (m *Main) membersList(ctx context.Context, args []string) error {
	var query, role string
	var all bool
	return m.withApp(ctx, "list", args, func(fs *flag.FlagSet) {
		fs.StringVar(&query, "q", "", "part of the name or email")
		fs.StringVar(&role, "role", "", "only this role")
		fs.BoolVar(&all, "all", false, "deactivated members too")
	}, func(a *app.App) error {
		w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tEMAIL\tNAME\tROLE\tSTATUS")
		p := carpool.Page{Limit: carpool.MaxPageLimit}
		for {
			list, next, err := a.Members(ctx, app.Operator, carpool.MemberFilter{Query: query, Role: carpool.Role(role), IncludeInactive: all}, p)
			if err != nil {
				return userError("list", err)
			}
			for _, x := range list {
				status := "active"
				if !x.Active() {
					status = "deactivated"
				}
				fmt.Fprintf(w, "%s\t%s\t%s\t%s\t%s\n", x.ID, x.Email, x.Name, x.Role, status)
			}
			if next == "" {
				return w.Flush()
			}
			p.Cursor = next
		}
	})
}

// target binds the --email flag that names the member a subcommand acts on.
func target(fs *flag.FlagSet, email *string) {
	fs.StringVar(email, "email", "", "email address of the member (required)")
}

// find looks the member up by email.
func find(ctx context.Context, a *app.App, cmd, email string) (carpool.Member, error) {
	if email == "" {
		return carpool.Member{}, fmt.Errorf("%w: members %s needs --email", errUsage, cmd)
	}
	x, err := a.MemberByEmail(ctx, app.Operator, email)
	if err != nil {
		return carpool.Member{}, userError(cmd, err)
	}
	return x, nil
}

func (m *Main) membersSetRole(ctx context.Context, args []string) error {
	var email, role string
	return m.withApp(ctx, "set-role", args, func(fs *flag.FlagSet) {
		target(fs, &email)
		fs.StringVar(&role, "role", "", "member, fleet_manager, admin or site_security (required)")
	}, func(a *app.App) error {
		x, err := find(ctx, a, "set-role", email)
		if err != nil {
			return err
		}
		if x, err = a.SetRole(ctx, app.Operator, x.ID, carpool.Role(role)); err != nil {
			return userError("set-role", err)
		}
		fmt.Fprintf(m.Stdout, "%s is now %s\n", x.Email, x.Role)
		return nil
	})
}

func (m *Main) membersDeactivate(ctx context.Context, args []string) error {
	var email string
	return m.withApp(ctx, "deactivate", args, func(fs *flag.FlagSet) { target(fs, &email) }, func(a *app.App) error {
		x, err := find(ctx, a, "deactivate", email)
		if err != nil {
			return err
		}
		d, err := a.Deactivate(ctx, app.Operator, x.ID)
		if err != nil {
			return userError("deactivate", err)
		}
		fmt.Fprintf(m.Stdout, "deactivated %s: %d rides, %d bookings and %d reservations released, %d sessions ended\n",
			x.Email, d.Rides, d.Bookings, d.Reservations, d.Sessions)
		return nil
	})
}

func (m *Main) membersReactivate(ctx context.Context, args []string) error {
	var email string
	return m.withApp(ctx, "reactivate", args, func(fs *flag.FlagSet) { target(fs, &email) }, func(a *app.App) error {
		x, err := find(ctx, a, "reactivate", email)
		if err != nil {
			return err
		}
		if _, err := a.Reactivate(ctx, app.Operator, x.ID); err != nil {
			return userError("reactivate", err)
		}
		fmt.Fprintf(m.Stdout, "reactivated %s\n", x.Email)
		return nil
	})
}

func (m *Main) membersResetPassword(ctx context.Context, args []string) error {
	var email string
	return m.withApp(ctx, "reset-password", args, func(fs *flag.FlagSet) { target(fs, &email) }, func(a *app.App) error {
		x, err := find(ctx, a, "reset-password", email)
		if err != nil {
			return err
		}
		password, err := m.newPassword("members reset-password")
		if err != nil {
			return err
		}
		if err := a.ResetPassword(ctx, app.Operator, x.ID, password); err != nil {
			return userError("reset-password", err)
		}
		fmt.Fprintf(m.Stdout, "new password set for %s; their sessions have ended\n", x.Email)
		return nil
	})
}

// newPassword reads a new password: asked twice without echo on a terminal, or the
// first line of stdin when it is piped, so it never shows in the process list or the
// shell history.
func (m *Main) newPassword(cmd string) (string, error) {
	if f, ok := m.Stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		fmt.Fprint(m.Stderr, "Password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(m.Stderr)
		if err != nil {
			return "", fmt.Errorf("%s: read the password: %w", cmd, err)
		}
		fmt.Fprint(m.Stderr, "Password again: ")
		again, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(m.Stderr)
		if err != nil {
			return "", fmt.Errorf("%s: read the password: %w", cmd, err)
		}
		if string(first) != string(again) {
			return "", fmt.Errorf("%s: the two passwords differ", cmd)
		}
		return string(first), nil
	}
	line, err := bufio.NewReader(m.Stdin).ReadString('\n')
	if err != nil && !(errors.Is(err, io.EOF) && line != "") {
		return "", fmt.Errorf("%s: read the password from stdin: %w", cmd, err)
	}
	return strings.TrimRight(line, "\r\n"), nil
}
