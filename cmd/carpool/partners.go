package main

import (
	"context"
	"flag"
	"fmt"
	"text/tabwriter"

	"carpool/internal/app"
	"carpool/internal/carpool"
)

func init() {
	extraCommands["partners"] = func(ctx context.Context, m *Main, args []string) error { return m.partners(ctx, args) }
}

// partners administers partner operators from the command line, as an admin
// (app.Operator), so an installation can connect a journey planner without the API.
func (m *Main) partners(ctx context.Context, args []string) error {
	if len(args) > 0 {
		switch args[0] {
		case "add":
			return m.partnersAdd(ctx, args[1:])
		case "list":
			return m.partnersList(ctx, args[1:])
		case "revoke":
			return m.partnersRevoke(ctx, args[1:])
		}
	}
	return fmt.Errorf("%w: partners needs a subcommand: add, list or revoke", errUsage)
}

func partnerError(cmd string, err error) error {
	switch carpool.ErrorCode(err) {
	case carpool.EINVALID, carpool.ECONFLICT, carpool.ENOTFOUND, carpool.EFORBIDDEN:
		return fmt.Errorf("partners %s: %s", cmd, carpool.ErrorMessage(err))
	}
	return fmt.Errorf("partners %s: %w", cmd, err)
}

func (m *Main) partnersAdd(ctx context.Context, args []string) error {
	var name string
	return m.withApp(ctx, "add", args, func(fs *flag.FlagSet) {
		fs.StringVar(&name, "name", "", "the partner operator's name (required)")
	}, func(a *app.App) error {
		p, key, err := a.CreatePartner(ctx, app.Operator, name)
		if err != nil {
			return partnerError("add", err)
		}
		fmt.Fprintf(m.Stdout, "created partner %s with id %s\nkey (shown once, give it to the partner as X-API-Key): %s\n", p.Name, p.ID, key)
		return nil
	})
}

func (m *Main) partnersList(ctx context.Context, args []string) error {
	return m.withApp(ctx, "list", args, nil, func(a *app.App) error {
		list, err := a.Partners(ctx, app.Operator)
		if err != nil {
			return partnerError("list", err)
		}
		w := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(w, "ID\tNAME\tSTATUS")
		for _, p := range list {
			status := "active"
			if !p.Active() {
				status = "revoked"
			}
			fmt.Fprintf(w, "%s\t%s\t%s\n", p.ID, p.Name, status)
		}
		return w.Flush()
	})
}

func (m *Main) partnersRevoke(ctx context.Context, args []string) error {
	var id string
	return m.withApp(ctx, "revoke", args, func(fs *flag.FlagSet) {
		fs.StringVar(&id, "id", "", "the partner's id (required)")
	}, func(a *app.App) error {
		if id == "" {
			return fmt.Errorf("%w: partners revoke needs --id", errUsage)
		}
		p, err := a.RevokePartner(ctx, app.Operator, id)
		if err != nil {
			return partnerError("revoke", err)
		}
		fmt.Fprintf(m.Stdout, "revoked partner %s (%s)\n", p.Name, p.ID)
		return nil
	})
}
