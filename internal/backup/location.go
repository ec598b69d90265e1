package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Location is where a backup is written to or read from: a file, standard input or
// output ("-"), or an S3 object (s3://bucket/key).
type Location struct {
	Path   string // a file path, or "-"
	Bucket string // with Key, an S3 object
	Key    string
}

// ParseLocation parses a --to or --from value.
func ParseLocation(s string) (Location, error) {
	switch {
	case s == "":
		return Location{}, errors.New("no backup location given: use a file path, - or s3://bucket/key")
	case strings.HasPrefix(s, "s3://"):
		bucket, key, _ := strings.Cut(strings.TrimPrefix(s, "s3://"), "/")
		if bucket == "" || key == "" || strings.HasSuffix(key, "/") {
			return Location{}, fmt.Errorf("invalid backup location %q: want s3://bucket/key", s)
		}
		return Location{Bucket: bucket, Key: key}, nil
	case strings.Contains(s, "://"):
		return Location{}, fmt.Errorf("invalid backup location %q: only file paths, - and s3:// are supported", s)
	}
	return Location{Path: s}, nil
}

// IsS3 reports whether the location is an S3 object.
func (l Location) IsS3() bool { return l.Bucket != "" }

func (l Location) String() string {
	if l.IsS3() {
		return "s3://" + l.Bucket + "/" + l.Key
	}
	if l.Path == "-" {
		return "standard input/output"
	}
	return l.Path
}

// IO is the outside world a backup or restore at a Location may use.
type IO struct {
	Stdin  io.Reader
	Stdout io.Writer
	S3     S3Config
}

// Result is what a backup or restore did, for its log line and the status file.
type Result struct {
	Manifest *Manifest
	Bytes    int64 // archive bytes written or read
	Duration time.Duration
}

// sink receives an archive; it becomes visible at its location only on Commit.
type sink interface {
	io.Writer
	Commit() error
	Abort(cause error)
}

// ToLocation writes a backup of db to loc. A file is written under a temporary name and
// renamed when complete, an S3 object completes its upload only at the end: a failed
// backup never leaves something that looks like a backup.
func ToLocation(ctx context.Context, loc Location, db Database, env IO, opts Options) (*Result, error) {
	start := time.Now()
	var out sink
	var err error
	switch {
	case loc.IsS3():
		out, err = newS3Upload(ctx, env.S3, loc)
	case loc.Path == "-":
		out = stdout{env.Stdout}
	default:
		out, err = newFileSink(loc.Path)
	}
	if err != nil {
		return nil, err
	}
	cw := &countingWriter{w: out}
	m, err := Write(ctx, cw, db, opts)
	if err != nil {
		out.Abort(err)
		if u, ok := out.(*s3Upload); ok {
			if uerr := u.failure(err); uerr != nil {
				return nil, uerr // the upload failed first; the write error only echoes it
			}
		}
		return nil, err
	}
	if err := out.Commit(); err != nil {
		return nil, err
	}
	return &Result{Manifest: m, Bytes: cw.n, Duration: time.Since(start)}, nil
}

// FromLocation restores the backup at loc into db.
func FromLocation(ctx context.Context, loc Location, db Database, env IO, opts RestoreOptions) (*Result, error) {
	start := time.Now()
	var in io.ReadCloser
	switch {
	case loc.IsS3():
		obj, _, err := openS3(ctx, env.S3, loc)
		if err != nil {
			return nil, err
		}
		in = obj
	case loc.Path == "-":
		in = io.NopCloser(env.Stdin)
	default:
		f, err := os.Open(loc.Path)
		if err != nil {
			return nil, fmt.Errorf("open backup: %w", err)
		}
		in = f
	}
	defer in.Close()
	cr := &countingReader{r: in}
	m, err := Restore(ctx, cr, db, opts)
	if err != nil {
		return nil, err
	}
	return &Result{Manifest: m, Bytes: cr.n, Duration: time.Since(start)}, nil
}

type stdout struct{ io.Writer }

func (stdout) Commit() error { return nil }
func (stdout) Abort(error)   {}

// fileSink writes next to the final path and renames into place on Commit.
type fileSink struct {
	f    *os.File
	path string
}

func newFileSink(path string) (*fileSink, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".partial-*")
	if err != nil {
		return nil, fmt.Errorf("create backup file: %w", err)
	}
	return &fileSink{f: f, path: path}, nil
}

func (s *fileSink) Write(p []byte) (int, error) { return s.f.Write(p) }

func (s *fileSink) Commit() error {
	if err := s.f.Sync(); err != nil {
		s.Abort(err)
		return fmt.Errorf("write backup file: %w", err)
	}
	if err := s.f.Close(); err != nil {
		os.Remove(s.f.Name())
		return fmt.Errorf("write backup file: %w", err)
	}
	if err := os.Rename(s.f.Name(), s.path); err != nil {
		os.Remove(s.f.Name())
		return fmt.Errorf("write backup file: %w", err)
	}
	return nil
}

func (s *fileSink) Abort(error) {
	s.f.Close()
	os.Remove(s.f.Name())
}

type countingWriter struct {
	w io.Writer
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}
