package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"time"

	"carpool/internal/backup"
	"carpool/internal/config"
)

func init() {
	extraCommands["backup"] = func(ctx context.Context, m *Main, args []string) error { return m.backup(ctx, args) }
	extraCommands["restore"] = func(ctx context.Context, m *Main, args []string) error { return m.restore(ctx, args) }
}

// s3Flags are the S3 settings a command line may give; each overrides its AWS_*
// variable. The secret key comes only from a file (or AWS_SECRET_ACCESS_KEY), never
// from a flag that the process list would show.
type s3Flags struct {
	endpoint, region, accessKeyID, secretKeyFile, pathStyle string
}

func (f *s3Flags) bind(fs *flag.FlagSet) {
	fs.StringVar(&f.endpoint, "s3-endpoint", "", "S3 endpoint URL (env AWS_ENDPOINT_URL; default AWS S3)")
	fs.StringVar(&f.region, "s3-region", "", "S3 region (env AWS_REGION)")
	fs.StringVar(&f.accessKeyID, "s3-access-key-id", "", "S3 access key id (env AWS_ACCESS_KEY_ID or AWS_ACCESS_KEY_ID_FILE)")
	fs.StringVar(&f.secretKeyFile, "s3-secret-access-key-file", "", "file holding the S3 secret key (env AWS_SECRET_ACCESS_KEY or AWS_SECRET_ACCESS_KEY_FILE)")
	fs.StringVar(&f.pathStyle, "s3-path-style", "", "address buckets as endpoint/bucket: true or false (env CARPOOL_S3_PATH_STYLE)")
}

// config merges the flags over the environment.
func (f *s3Flags) config(getenv func(string) string) (backup.S3Config, error) {
	env := func(k string) string {
		switch {
		case k == "AWS_ENDPOINT_URL" && f.endpoint != "":
			return f.endpoint
		case k == "AWS_REGION" && f.region != "":
			return f.region
		case k == "AWS_ACCESS_KEY_ID" && f.accessKeyID != "":
			return f.accessKeyID
		case k == "AWS_ACCESS_KEY_ID_FILE" && f.accessKeyID != "":
			return ""
		case k == "AWS_SECRET_ACCESS_KEY_FILE" && f.secretKeyFile != "":
			return f.secretKeyFile
		case k == "AWS_SECRET_ACCESS_KEY" && f.secretKeyFile != "":
			return ""
		case k == "CARPOOL_S3_PATH_STYLE" && f.pathStyle != "":
			return f.pathStyle
		}
		return getenv(k)
	}
	return backup.S3ConfigFromEnv(env)
}

// backup writes a backup of the configured database to --to: the CronJob's command.
// It logs one line with the figures and, with --status-file, records the success for
// the backup-age alert.
func (m *Main) backup(ctx context.Context, args []string) error {
	var to, statusFile string
	var s3 s3Flags
	cfg, logger, err := m.load("backup", args, func(fs *flag.FlagSet) {
		fs.StringVar(&to, "to", "", "where to write the backup: a file path, - (stdout) or s3://bucket/key (required)")
		fs.StringVar(&statusFile, "status-file", "", "after a successful backup, write its time and figures here (JSON; Prometheus text format if the name ends in .prom)")
		s3.bind(fs)
	})
	if err != nil {
		return err
	}
	loc, err := backup.ParseLocation(to)
	if err != nil {
		return fmt.Errorf("%w: --to: %v", errUsage, err)
	}
	s3cfg, err := s3.config(m.Getenv)
	if err != nil {
		return err
	}
	if cfg.Engine() == "sqlite" {
		// Opening a SQLite path creates the file: a mistyped path must not back up
		// an empty new database.
		if _, err := os.Stat(cfg.SQLitePath()); err != nil {
			return fmt.Errorf("backup: no database at %s: %w", cfg.SQLitePath(), err)
		}
	}
	db, err := openBackupStore(ctx, cfg, logger, false)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := backup.ToLocation(ctx, loc, db, backup.IO{Stdout: m.Stdout, S3: s3cfg}, backup.Options{})
	if err != nil {
		return fmt.Errorf("backup to %s: %w", loc, err)
	}
	logger.Info("backup complete", "to", loc.String(), "engine", res.Manifest.Engine,
		"schema_version", res.Manifest.SchemaVersion, "tables", len(res.Manifest.Tables),
		"rows", res.Manifest.Rows, "bytes", res.Bytes, "duration_seconds", res.Duration.Seconds())
	if statusFile != "" {
		if err := backup.WriteStatusFile(statusFile, backup.NewStatus(res, loc, time.Now())); err != nil {
			return fmt.Errorf("backup succeeded, but: %w", err)
		}
	}
	return nil
}

// restore loads a backup from --from into the configured database, in one transaction.
func (m *Main) restore(ctx context.Context, args []string) error {
	var from string
	var force bool
	var s3 s3Flags
	cfg, logger, err := m.load("restore", args, func(fs *flag.FlagSet) {
		fs.StringVar(&from, "from", "", "the backup to restore: a file path, - (stdin) or s3://bucket/key (required)")
		fs.BoolVar(&force, "force", false, "replace the data of a database that is not empty (in the same transaction)")
		s3.bind(fs)
	})
	if err != nil {
		return err
	}
	loc, err := backup.ParseLocation(from)
	if err != nil {
		return fmt.Errorf("%w: --from: %v", errUsage, err)
	}
	s3cfg, err := s3.config(m.Getenv)
	if err != nil {
		return err
	}
	// A fresh target gets the schema first; the backup must be at the same version.
	db, err := openBackupStore(ctx, cfg, logger, true)
	if err != nil {
		return err
	}
	defer db.Close()
	res, err := backup.FromLocation(ctx, loc, db, backup.IO{Stdin: m.Stdin, S3: s3cfg}, backup.RestoreOptions{Force: force})
	if err != nil {
		return fmt.Errorf("restore from %s (nothing was written): %w", loc, err)
	}
	logger.Info("restore complete", "from", loc.String(), "backup_engine", res.Manifest.Engine,
		"backup_created_at", res.Manifest.CreatedAt, "engine", cfg.Engine(),
		"schema_version", res.Manifest.SchemaVersion, "tables", len(res.Manifest.Tables),
		"rows", res.Manifest.Rows, "bytes", res.Bytes, "duration_seconds", res.Duration.Seconds(),
		"forced", force)
	return nil
}

// backupStore is an engine as backups need it.
type backupStore interface {
	engine
	backup.Database
}

// openBackupStore opens the configured engine with its raw pool, which backups read
// and restores write through.
func openBackupStore(ctx context.Context, cfg *config.Config, logger *slog.Logger, migrate bool) (backupStore, error) {
	store, err := openStore(ctx, cfg, logger, migrate)
	if err != nil {
		return nil, err
	}
	db, ok := store.(backupStore)
	if !ok {
		store.Close()
		return nil, fmt.Errorf("the %s engine does not support backups", cfg.Engine())
	}
	return db, nil
}
