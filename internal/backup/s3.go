package backup

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
)

// S3Config says how to reach an S3-compatible store. S3ConfigFromEnv reads it from the
// standard AWS_* variables; the CLI's flags override single fields.
type S3Config struct {
	// Endpoint is a URL (https://s3.example.com, http://127.0.0.1:7070) or a bare
	// host:port (https is assumed). Empty means AWS S3.
	Endpoint string
	Region   string
	// AccessKeyID and SecretAccessKey are static credentials; both empty means the AWS
	// credential chain (environment, shared credentials file, instance or pod role).
	AccessKeyID     string
	SecretAccessKey string
	// PathStyle addresses buckets as endpoint/bucket (MinIO, versitygw and most
	// self-hosted stores want it) rather than bucket.endpoint.
	PathStyle bool
}

// S3ConfigFromEnv reads AWS_ENDPOINT_URL, AWS_REGION (or AWS_DEFAULT_REGION),
// AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (each also from a file named by the
// variable with _FILE appended) and CARPOOL_S3_PATH_STYLE.
func S3ConfigFromEnv(getenv func(string) string) (S3Config, error) {
	c := S3Config{Endpoint: getenv("AWS_ENDPOINT_URL"), Region: getenv("AWS_REGION")}
	if c.Region == "" {
		c.Region = getenv("AWS_DEFAULT_REGION")
	}
	var err error
	if c.AccessKeyID, err = secret(getenv, "AWS_ACCESS_KEY_ID"); err != nil {
		return c, err
	}
	if c.SecretAccessKey, err = secret(getenv, "AWS_SECRET_ACCESS_KEY"); err != nil {
		return c, err
	}
	if v := getenv("CARPOOL_S3_PATH_STYLE"); v != "" {
		if c.PathStyle, err = strconv.ParseBool(v); err != nil {
			return c, fmt.Errorf("invalid CARPOOL_S3_PATH_STYLE=%q: must be true or false", v)
		}
	}
	return c, nil
}

// secret reads X, or the file named by X_FILE (never both).
func secret(getenv func(string) string, name string) (string, error) {
	v, path := getenv(name), getenv(name+"_FILE")
	if path == "" {
		return v, nil
	}
	if v != "" {
		return "", fmt.Errorf("both %s and %s_FILE are set: use one", name, name)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read %s_FILE: %w", name, err)
	}
	return strings.TrimRight(string(b), "\r\n"), nil
}

// ErrAccessDenied means the S3 store refused the credentials or their permissions.
var ErrAccessDenied = errors.New("access to the S3 bucket denied")

// s3PartSize is the part size of multipart uploads. An upload of unknown length buffers
// one part in memory, so this bounds what an upload costs; at 10,000 parts it still
// allows backups of 80 GiB.
const s3PartSize = 8 << 20

func (c S3Config) client() (*minio.Client, error) {
	endpoint, secure := "s3.amazonaws.com", true
	if c.Endpoint != "" {
		raw := c.Endpoint
		if !strings.Contains(raw, "://") {
			raw = "https://" + raw
		}
		u, err := url.Parse(raw)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return nil, fmt.Errorf("invalid S3 endpoint %q: want http(s)://host[:port]", c.Endpoint)
		}
		endpoint, secure = u.Host, u.Scheme == "https"
	}
	var creds *credentials.Credentials
	switch {
	case c.AccessKeyID != "" && c.SecretAccessKey != "":
		creds = credentials.NewStaticV4(c.AccessKeyID, c.SecretAccessKey, "")
	case c.AccessKeyID != "" || c.SecretAccessKey != "":
		return nil, errors.New("S3 credentials: set both AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or neither")
	default:
		creds = credentials.NewChainCredentials([]credentials.Provider{
			&credentials.EnvAWS{}, &credentials.FileAWSCredentials{}, &credentials.IAM{},
		})
	}
	lookup := minio.BucketLookupAuto
	if c.PathStyle {
		lookup = minio.BucketLookupPath
	}
	cl, err := minio.New(endpoint, &minio.Options{Creds: creds, Secure: secure, Region: c.Region, BucketLookup: lookup})
	if err != nil {
		return nil, fmt.Errorf("S3 client: %w", err)
	}
	return cl, nil
}

// s3Error gives an S3 failure a message an operator can act on.
func s3Error(op string, loc Location, err error) error {
	switch minio.ToErrorResponse(err).Code {
	case "InvalidAccessKeyId", "SignatureDoesNotMatch", "AccessDenied", "InvalidToken", "ExpiredToken":
		return fmt.Errorf("%s %s: %w: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (%v)", op, loc, ErrAccessDenied, err)
	case "NoSuchBucket":
		return fmt.Errorf("%s %s: the bucket %s does not exist: %w", op, loc, loc.Bucket, err)
	case "NoSuchKey":
		return fmt.Errorf("%s %s: no such backup: %w", op, loc, err)
	}
	return fmt.Errorf("%s %s: %w", op, loc, err)
}

// s3Upload streams what is written to it into one S3 object. The object appears only
// when Commit completes the upload; Abort (or a failed write) abandons it, and the store
// discards the parts.
type s3Upload struct {
	pw   *io.PipeWriter
	done chan struct{} // closed when PutObject returned
	err  error         // what PutObject returned; read after done
	loc  Location
}

func newS3Upload(ctx context.Context, c S3Config, loc Location) (*s3Upload, error) {
	cl, err := c.client()
	if err != nil {
		return nil, err
	}
	// No HeadBucket check first: a backup role commonly may put objects but not list
	// the bucket, and S3 answers a refused HEAD without saying why.
	pr, pw := io.Pipe()
	u := &s3Upload{pw: pw, done: make(chan struct{}), loc: loc}
	go func() {
		_, err := cl.PutObject(ctx, loc.Bucket, loc.Key, pr, -1, minio.PutObjectOptions{
			PartSize: s3PartSize, ContentType: "application/gzip",
		})
		// Unblock a writer still waiting on the pipe when the upload failed early.
		pr.CloseWithError(errors.Join(err, errors.New("upload ended")))
		u.err = err
		close(u.done)
	}()
	return u, nil
}

func (u *s3Upload) Write(p []byte) (int, error) {
	n, err := u.pw.Write(p)
	if err != nil {
		// The upload failed; its own error says why.
		<-u.done
		if u.err != nil {
			return n, s3Error("upload", u.loc, u.err)
		}
	}
	return n, err
}

func (u *s3Upload) Commit() error {
	u.pw.Close()
	<-u.done
	if u.err != nil {
		return s3Error("upload", u.loc, u.err)
	}
	return nil
}

func (u *s3Upload) Abort(cause error) {
	u.pw.CloseWithError(cause)
	<-u.done
}

// failure returns why the upload failed, if it did on its own (not by Abort's cause):
// after a failed write this is the error worth reporting.
func (u *s3Upload) failure(cause error) error {
	<-u.done
	if u.err == nil || errors.Is(u.err, cause) {
		return nil
	}
	return s3Error("upload", u.loc, u.err)
}

// openS3 opens an object for reading, surfacing a missing object or refused
// credentials at once rather than at the first read.
func openS3(ctx context.Context, c S3Config, loc Location) (io.ReadCloser, int64, error) {
	cl, err := c.client()
	if err != nil {
		return nil, 0, err
	}
	obj, err := cl.GetObject(ctx, loc.Bucket, loc.Key, minio.GetObjectOptions{})
	if err != nil {
		return nil, 0, s3Error("download", loc, err)
	}
	info, err := obj.Stat()
	if err != nil {
		obj.Close()
		return nil, 0, s3Error("download", loc, err)
	}
	return obj, info.Size, nil
}
