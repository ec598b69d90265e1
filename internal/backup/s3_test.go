package backup_test

import (
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"carpool/internal/backup"
	"carpool/internal/backup/backuptest"
)

// s3Env returns the configuration for srv, as AWS_* variables would give it.
func s3Env(t *testing.T, srv *backuptest.S3Server, secret string) backup.S3Config {
	t.Helper()
	env := map[string]string{
		"AWS_ENDPOINT_URL": srv.Endpoint, "AWS_REGION": "us-east-1",
		"AWS_ACCESS_KEY_ID": srv.AccessKey, "AWS_SECRET_ACCESS_KEY": secret,
		"CARPOOL_S3_PATH_STYLE": "true",
	}
	cfg, err := backup.S3ConfigFromEnv(func(k string) string { return env[k] })
	if err != nil {
		t.Fatalf("S3 config: %v", err)
	}
	return cfg
}

// mustMakeBucket creates a bucket through the S3 API and returns a client for checks.
func mustMakeBucket(t *testing.T, srv *backuptest.S3Server, bucket string) *minio.Client {
	t.Helper()
	cl, err := minio.New(strings.TrimPrefix(srv.Endpoint, "http://"), &minio.Options{
		Creds: credentials.NewStaticV4(srv.AccessKey, srv.SecretKey, ""), BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := cl.MakeBucket(context.Background(), bucket, minio.MakeBucketOptions{}); err != nil {
		t.Fatalf("make bucket: %v", err)
	}
	return cl
}

// TestS3 uploads a backup to a real S3 server (versitygw on 127.0.0.1), downloads it into
// a fresh database, and checks that refused credentials, a missing object and a failed
// backup each give a clear error and leave no object behind.
func TestS3(t *testing.T) {
	ctx := context.Background()
	srv := backuptest.StartS3(t)
	cl := mustMakeBucket(t, srv, "backups")
	good := s3Env(t, srv, srv.SecretKey)

	// The S3 path does not depend on the archive's rows; under the race detector, which
	// slows the pure-Go SQLite some fiftyfold, a tenth of them keeps generating them to
	// seconds (scripts/checks/50-backup.sh runs this test at full size without it).
	rides := 2000
	if raceEnabled {
		rides = 200
	}
	src := mustOpenSQLite(t)
	mustGenerate(t, src, backuptest.Size{Members: 100, Rides: rides})
	want := digests(t, src)

	loc, err := backup.ParseLocation("s3://backups/carpool/2026-03-01.jsonl.gz")
	if err != nil {
		t.Fatal(err)
	}

	t.Run("upload and download", func(t *testing.T) {
		up, err := backup.ToLocation(ctx, loc, src, backup.IO{S3: good}, backup.Options{})
		if err != nil {
			t.Fatalf("backup to S3: %v", err)
		}
		info, err := cl.StatObject(ctx, "backups", "carpool/2026-03-01.jsonl.gz", minio.StatObjectOptions{})
		if err != nil {
			t.Fatalf("stat uploaded backup: %v", err)
		}
		if info.Size != up.Bytes {
			t.Errorf("object size: got %d, want the %d bytes written", info.Size, up.Bytes)
		}
		dst := mustOpenSQLite(t)
		down, err := backup.FromLocation(ctx, loc, dst, backup.IO{S3: good}, backup.RestoreOptions{})
		if err != nil {
			t.Fatalf("restore from S3: %v", err)
		}
		if down.Bytes != up.Bytes || down.Manifest.Rows != up.Manifest.Rows {
			t.Errorf("restore read %d bytes and %d rows, want %d and %d", down.Bytes, down.Manifest.Rows, up.Bytes, up.Manifest.Rows)
		}
		assertSameData(t, digests(t, dst), want)
		t.Logf("S3 round trip of %d rows, %d bytes: up %s, down %s", up.Manifest.Rows, up.Bytes, up.Duration, down.Duration)
	})

	t.Run("multipart upload", func(t *testing.T) {
		if raceEnabled {
			// Twelve incompressible MiB through gzip, SQLite and SHA-256 took 51 s of the
			// race run; the upload runs the same goroutines as the single part above, only
			// for more parts.
			t.Skip("race detector on: scripts/checks/50-backup.sh runs the multipart upload without it")
		}
		// Incompressible idempotency bodies make an archive of several 8 MiB parts.
		big := mustOpenSQLite(t)
		for i := range 12 {
			body := make([]byte, 1<<20)
			rand.Read(body)
			if _, err := big.DB().ExecContext(ctx, `INSERT INTO idempotency_keys (scope, idem_key, request_hash, body, created_at)
				VALUES ('s', $1, 'h', $2, $3)`, fmt.Sprint("k", i), body, backuptest.Base); err != nil {
				t.Fatal(err)
			}
		}
		bigLoc, _ := backup.ParseLocation("s3://backups/carpool/big.jsonl.gz")
		up, err := backup.ToLocation(ctx, bigLoc, big, backup.IO{S3: good}, backup.Options{})
		if err != nil {
			t.Fatalf("backup to S3: %v", err)
		}
		if up.Bytes < 9<<20 {
			t.Fatalf("archive of %d bytes fits one part; the test needs more", up.Bytes)
		}
		dst := mustOpenSQLite(t)
		if _, err := backup.FromLocation(ctx, bigLoc, dst, backup.IO{S3: good}, backup.RestoreOptions{}); err != nil {
			t.Fatalf("restore from S3: %v", err)
		}
		assertSameData(t, digests(t, dst), digests(t, big))
		t.Logf("multipart S3 round trip of %d bytes", up.Bytes)
	})

	t.Run("wrong credentials", func(t *testing.T) {
		bad := s3Env(t, srv, "not-the-secret")
		other, _ := backup.ParseLocation("s3://backups/carpool/wrong-credentials.jsonl.gz")
		_, err := backup.ToLocation(ctx, other, src, backup.IO{S3: bad}, backup.Options{})
		assertAccessDenied(t, "backup", err)
		if _, err := cl.StatObject(ctx, "backups", other.Key, minio.StatObjectOptions{}); minio.ToErrorResponse(err).Code != "NoSuchKey" {
			t.Errorf("object after a refused upload: got %v, want NoSuchKey", err)
		}
		dst := mustOpenSQLite(t)
		_, err = backup.FromLocation(ctx, loc, dst, backup.IO{S3: bad}, backup.RestoreOptions{})
		assertAccessDenied(t, "restore", err)
	})

	t.Run("missing bucket", func(t *testing.T) {
		nowhere, _ := backup.ParseLocation("s3://no-such-bucket/carpool.jsonl.gz")
		_, err := backup.ToLocation(ctx, nowhere, src, backup.IO{S3: good}, backup.Options{})
		if err == nil || !strings.Contains(err.Error(), "bucket no-such-bucket does not exist") {
			t.Errorf("backup to a missing bucket: got %v, want an error saying the bucket does not exist", err)
		}
	})

	t.Run("missing object", func(t *testing.T) {
		missing, _ := backup.ParseLocation("s3://backups/carpool/none.jsonl.gz")
		_, err := backup.FromLocation(ctx, missing, mustOpenSQLite(t), backup.IO{S3: good}, backup.RestoreOptions{})
		if err == nil || !strings.Contains(err.Error(), "no such backup") {
			t.Errorf("restore of a missing object: got %v, want an error saying there is no such backup", err)
		}
	})

	t.Run("failed backup leaves no object", func(t *testing.T) {
		failed, _ := backup.ParseLocation("s3://backups/carpool/failed.jsonl.gz")
		boom := errors.New("the database went away")
		_, err := backup.ToLocation(ctx, failed, src, backup.IO{S3: good}, backup.Options{
			InSnapshot: func(context.Context, *sql.Tx, *backup.Manifest) error { return boom },
		})
		if !errors.Is(err, boom) {
			t.Fatalf("backup: got %v, want %v", err, boom)
		}
		if _, err := cl.StatObject(ctx, "backups", failed.Key, minio.StatObjectOptions{}); minio.ToErrorResponse(err).Code != "NoSuchKey" {
			t.Errorf("object after a failed backup: got %v, want NoSuchKey", err)
		}
	})
}

func assertAccessDenied(t *testing.T, op string, err error) {
	t.Helper()
	if !errors.Is(err, backup.ErrAccessDenied) {
		t.Fatalf("%s with a wrong secret: got %v, want %v", op, err, backup.ErrAccessDenied)
	}
	if !strings.Contains(err.Error(), "AWS_SECRET_ACCESS_KEY") {
		t.Errorf("%s error %q: want it to name AWS_SECRET_ACCESS_KEY", op, err)
	}
	t.Logf("%s refused: %v", op, err)
}
