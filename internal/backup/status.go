package backup

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Status is what a successful backup records in its status file, for the backup-age
// alert and for people: when the last backup succeeded, where it went, its figures.
type Status struct {
	LastSuccess     time.Time      `json:"last_success"`
	Location        string         `json:"location"`
	Engine          string         `json:"engine"`
	SchemaVersion   int64          `json:"schema_version"`
	Rows            int64          `json:"rows"`
	Bytes           int64          `json:"bytes"`
	DurationSeconds float64        `json:"duration_seconds"`
	Tables          []TableSummary `json:"tables"`
}

// NewStatus describes the backup r written to loc, finished at now.
func NewStatus(r *Result, loc Location, now time.Time) Status {
	return Status{
		LastSuccess: now.UTC().Truncate(time.Second), Location: loc.String(),
		Engine: r.Manifest.Engine, SchemaVersion: r.Manifest.SchemaVersion,
		Rows: r.Manifest.Rows, Bytes: r.Bytes, DurationSeconds: r.Duration.Seconds(),
		Tables: r.Manifest.Tables,
	}
}

// WriteStatusFile replaces the file at path with s, atomically (a reader sees the old
// status or the new, never half of one). A path ending in ".prom" gets the Prometheus
// text format, for node_exporter's textfile collector; any other path gets JSON.
func WriteStatusFile(path string, s Status) error {
	var data []byte
	if strings.HasSuffix(path, ".prom") {
		data = s.prometheus()
	} else {
		var err error
		if data, err = json.MarshalIndent(s, "", "  "); err != nil {
			return fmt.Errorf("write status file: %w", err)
		}
		data = append(data, '\n')
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".partial-*")
	if err != nil {
		return fmt.Errorf("write status file: %w", err)
	}
	defer os.Remove(f.Name()) // fails harmlessly once renamed
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write status file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write status file: %w", err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("write status file: %w", err)
	}
	return nil
}

func (s Status) prometheus() []byte {
	var b strings.Builder
	metric := func(name, help string, v any) {
		fmt.Fprintf(&b, "# HELP %s %s\n# TYPE %s gauge\n%s %v\n", name, help, name, name, v)
	}
	metric("carpool_backup_last_success_timestamp_seconds", "Unix time the last successful backup finished.", s.LastSuccess.Unix())
	metric("carpool_backup_rows", "Rows in the last successful backup.", s.Rows)
	metric("carpool_backup_bytes", "Size of the last successful backup archive in bytes.", s.Bytes)
	metric("carpool_backup_duration_seconds", "How long the last successful backup took.", s.DurationSeconds)
	return []byte(b.String())
}
