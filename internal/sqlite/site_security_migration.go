package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/pressly/goose/v3"
)

// siteSecurityRole (migration 27) lets members.role hold site_security. SQLite cannot
// alter a CHECK constraint, and rebuilding members would mean dropping the table two
// dozen others refer to; so the migration edits the constraint's text in the schema,
// the way SQLite's documentation describes for changes that leave the stored rows
// valid, and bumps the schema version so that every connection reads the new text.
var siteSecurityRole = goose.NewGoMigration(27,
	&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		return editRoleCheck(ctx, tx, roleCheckWithout, roleCheckWith)
	}},
	&goose.GoFunc{RunTx: func(ctx context.Context, tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `UPDATE members SET role = 'member' WHERE role = 'site_security'`); err != nil {
			return err
		}
		return editRoleCheck(ctx, tx, roleCheckWith, roleCheckWithout)
	}},
)

const (
	roleCheckWithout = `CHECK (role IN ('member', 'fleet_manager', 'admin'))`
	roleCheckWith    = `CHECK (role IN ('member', 'fleet_manager', 'admin', 'site_security'))`
)

// editRoleCheck replaces the role constraint from with to in the members table's
// definition, failing when the definition does not hold from exactly once.
func editRoleCheck(ctx context.Context, tx *sql.Tx, from, to string) error {
	var def string
	if err := tx.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'members'`).Scan(&def); err != nil {
		return fmt.Errorf("read members table: %w", err)
	}
	if n := strings.Count(def, from); n != 1 {
		return fmt.Errorf("members table has %d role constraints %q, want 1", n, from)
	}
	var version int
	if err := tx.QueryRowContext(ctx, `PRAGMA schema_version`).Scan(&version); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	for _, q := range []string{
		`PRAGMA writable_schema = ON`,
		`UPDATE sqlite_schema SET sql = replace(sql, '` + strings.ReplaceAll(from, "'", "''") + `', '` + strings.ReplaceAll(to, "'", "''") + `') WHERE type = 'table' AND name = 'members'`,
		fmt.Sprintf(`PRAGMA schema_version = %d`, version+1),
		`PRAGMA writable_schema = OFF`,
	} {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return fmt.Errorf("edit the role constraint: %w", err)
		}
	}
	return nil
}
