package backup_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"carpool/internal/backup"
)

func TestWriteStatusFile(t *testing.T) {
	finished := time.Date(2026, 3, 1, 2, 0, 7, 0, time.UTC)
	res := &backup.Result{
		Manifest: &backup.Manifest{Engine: "postgres", SchemaVersion: 1, Rows: 152660,
			Tables: []backup.TableSummary{{Name: "members", Rows: 1000, SHA256: "ab"}}},
		Bytes: 3037072, Duration: 4500 * time.Millisecond,
	}
	loc, _ := backup.ParseLocation("s3://backups/carpool.jsonl.gz")
	status := backup.NewStatus(res, loc, finished)
	dir := t.TempDir()

	t.Run("json", func(t *testing.T) {
		path := filepath.Join(dir, "status.json")
		if err := backup.WriteStatusFile(path, status); err != nil {
			t.Fatal(err)
		}
		var got backup.Status
		data, _ := os.ReadFile(path)
		if err := json.Unmarshal(data, &got); err != nil {
			t.Fatalf("status file is no JSON: %v", err)
		}
		if !got.LastSuccess.Equal(finished) || got.Rows != 152660 || got.Bytes != 3037072 || got.Location != "s3://backups/carpool.jsonl.gz" {
			t.Errorf("status: got %+v", got)
		}
	})
	t.Run("prometheus", func(t *testing.T) {
		path := filepath.Join(dir, "carpool_backup.prom")
		if err := backup.WriteStatusFile(path, status); err != nil {
			t.Fatal(err)
		}
		data, _ := os.ReadFile(path)
		for _, want := range []string{
			"carpool_backup_last_success_timestamp_seconds 1772330407\n",
			"carpool_backup_rows 152660\n",
			"carpool_backup_bytes 3037072\n",
			"carpool_backup_duration_seconds 4.5\n",
		} {
			if !strings.Contains(string(data), want) {
				t.Errorf("textfile lacks %q:\n%s", want, data)
			}
		}
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if strings.Contains(e.Name(), "partial") {
				t.Errorf("temporary file %s left behind", e.Name())
			}
		}
	})
}
