package backup_test

import (
	"os"
	"path/filepath"
	"testing"

	"carpool/internal/backup"
)

func TestParseLocation(t *testing.T) {
	tests := []struct {
		in      string
		want    backup.Location
		wantErr bool
	}{
		{in: "/var/backups/carpool.jsonl.gz", want: backup.Location{Path: "/var/backups/carpool.jsonl.gz"}},
		{in: "-", want: backup.Location{Path: "-"}},
		{in: "s3://bucket/a/b.gz", want: backup.Location{Bucket: "bucket", Key: "a/b.gz"}},
		{in: "", wantErr: true},
		{in: "s3://bucket", wantErr: true},
		{in: "s3://bucket/", wantErr: true},
		{in: "s3:///key", wantErr: true},
		{in: "s3://bucket/dir/", wantErr: true},
		{in: "gs://bucket/key", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			got, err := backup.ParseLocation(tt.in)
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error: %v", err, tt.wantErr)
			}
			if err == nil && got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestS3ConfigFromEnv(t *testing.T) {
	secretFile := filepath.Join(t.TempDir(), "secret")
	if err := os.WriteFile(secretFile, []byte("from-file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		env     map[string]string
		want    backup.S3Config
		wantErr bool
	}{
		{name: "variables", env: map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:7070", "AWS_REGION": "eu-central-1",
			"AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY": "secret", "CARPOOL_S3_PATH_STYLE": "true"},
			want: backup.S3Config{Endpoint: "http://127.0.0.1:7070", Region: "eu-central-1", AccessKeyID: "id", SecretAccessKey: "secret", PathStyle: true}},
		{name: "secret from file", env: map[string]string{"AWS_ACCESS_KEY_ID": "id", "AWS_SECRET_ACCESS_KEY_FILE": secretFile},
			want: backup.S3Config{AccessKeyID: "id", SecretAccessKey: "from-file"}},
		{name: "default region", env: map[string]string{"AWS_DEFAULT_REGION": "us-west-2"}, want: backup.S3Config{Region: "us-west-2"}},
		{name: "both secret and file", env: map[string]string{"AWS_SECRET_ACCESS_KEY": "x", "AWS_SECRET_ACCESS_KEY_FILE": secretFile}, wantErr: true},
		{name: "missing file", env: map[string]string{"AWS_SECRET_ACCESS_KEY_FILE": "/nonexistent/secret"}, wantErr: true},
		{name: "bad path style", env: map[string]string{"CARPOOL_S3_PATH_STYLE": "sometimes"}, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := backup.S3ConfigFromEnv(func(k string) string { return tt.env[k] })
			if (err != nil) != tt.wantErr {
				t.Fatalf("got error %v, want error: %v", err, tt.wantErr)
			}
			if err == nil && got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}
