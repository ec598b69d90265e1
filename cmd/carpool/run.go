package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"

	"carpool/internal/buildinfo"
	"carpool/internal/config"
	"carpool/internal/telemetry"
)

// Main wires the parts of carpool for one command line. Its fields are the process's
// outside world, so tests can run commands in-process.
type Main struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv config.Environ
}

// Exit codes.
const (
	exitOK    = 0
	exitError = 1
	exitUsage = 2
)

// errUsage marks errors in the command line itself.
var errUsage = errors.New("usage")

const usage = `carpool is a company carpool service.

Usage:
  carpool serve            run the HTTP server (API, web UI, probes; metrics on the admin port)
  carpool migrate          apply the database migrations and exit
  carpool members add      create a member: --email E --name N [--role admin] (password asked, or on stdin)
  carpool members list|set-role|deactivate|reactivate|reset-password
                           administer members (-h on each for its flags)
  carpool partners add|list|revoke
                           partner operators of the standard-covoiturage API (add --name N,
                           revoke --id ID); add prints the key once
  carpool backup --to URL  write a backup (file path, - or s3://bucket/key)
  carpool restore --from URL
  carpool healthcheck      exit 0 when the local server is ready
  carpool version          print version, commit and Go version

Every command takes the configuration flags (see "carpool serve -h"); each flag is also an
environment variable (CARPOOL_HTTP_ADDR for --http-addr, ...).
`

// Run executes one command line and returns the process exit code.
func (m *Main) Run(ctx context.Context, args []string) int {
	if len(args) == 0 {
		fmt.Fprint(m.Stderr, usage)
		return exitUsage
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		err = m.serve(ctx, rest)
	case "migrate":
		err = m.migrate(ctx, rest)
	case "members":
		err = m.members(ctx, rest)
	case "healthcheck":
		err = m.healthcheck(ctx, rest)
	case "version", "--version":
		bi := buildinfo.Get()
		fmt.Fprintf(m.Stdout, "carpool %s (commit %s, %s)\n", bi.Version, bi.Commit, bi.GoVersion)
	case "help", "-h", "--help":
		fmt.Fprint(m.Stdout, usage)
	default:
		if run, ok := extraCommands[cmd]; ok {
			err = run(ctx, m, rest)
			break
		}
		fmt.Fprintf(m.Stderr, "carpool: unknown command %q\n\n%s", cmd, usage)
		return exitUsage
	}
	switch {
	case err == nil:
		return exitOK
	case errors.Is(err, flag.ErrHelp):
		return exitOK
	case errors.Is(err, errUsage):
		fmt.Fprintf(m.Stderr, "carpool: %v\n", err)
		return exitUsage
	default:
		fmt.Fprintf(m.Stderr, "carpool: %v\n", err)
		return exitError
	}
}

// extraCommands are commands that live in their own file (backup, restore), registered
// from an init function there.
var extraCommands = map[string]func(ctx context.Context, m *Main, args []string) error{}

// load parses a command's flags (the configuration flags plus the ones bind adds) and
// returns the configuration and a logger for it.
func (m *Main) load(name string, args []string, bind func(*flag.FlagSet)) (*config.Config, *slog.Logger, error) {
	fs := flag.NewFlagSet("carpool "+name, flag.ContinueOnError)
	fs.SetOutput(m.Stderr)
	flags := config.Bind(fs)
	if bind != nil {
		shared := map[string]bool{}
		fs.VisitAll(func(f *flag.Flag) { shared[f.Name] = true })
		bind(fs)
		// The command's help lists its own flags; the shared settings would bury them.
		fs.Usage = func() {
			fmt.Fprintf(m.Stderr, "Usage of carpool %s:\n", name)
			fs.VisitAll(func(f *flag.Flag) {
				if !shared[f.Name] {
					fmt.Fprintf(m.Stderr, "  -%s\t%s (default %q)\n", f.Name, f.Usage, f.DefValue)
				}
			})
			fmt.Fprintln(m.Stderr, "The database and log settings are those of carpool serve (see carpool serve -h),\nas flags or CARPOOL_* environment variables.")
		}
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return nil, nil, err
		}
		return nil, nil, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return nil, nil, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	cfg, err := config.Load(flags, m.Getenv)
	if err != nil {
		return nil, nil, err
	}
	return cfg, telemetry.NewLogger(m.Stderr, cfg.LogLevel, cfg.LogFormat), nil
}
