package sqlstore

import (
	"errors"
	"fmt"
)

// ErrSchemaTooNew means the database was migrated by a newer carpool than this one:
// running on it could corrupt data that the newer schema protects, so the binary
// refuses.
var ErrSchemaTooNew = errors.New("database schema is newer than this binary knows")

// CheckSchema fails with ErrSchemaTooNew when the database's schema version current is
// ahead of known, the newest version this binary carries.
func CheckSchema(current, known int64) error {
	if current > known {
		return fmt.Errorf("%w: database is at version %d, this binary knows up to %d; run a newer carpool", ErrSchemaTooNew, current, known)
	}
	return nil
}
