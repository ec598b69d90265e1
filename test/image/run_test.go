//go:build image

package image_test

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/mutate"
)

// nonroot is the image's user; the binary runs as it whenever the test runs as root.
const nonroot = 65532

// testRuns unpacks the image's filesystem, runs its entrypoint's `version` and `serve`
// as the non-root user, and waits for /readyz to answer 200.
func testRuns(t *testing.T, img v1.Image) {
	cf, err := img.ConfigFile()
	mustf(t, err, "config")
	labels := cf.Config.Labels
	rootfs := extract(t, img)
	entrypoint := filepath.Join(rootfs, cf.Config.Entrypoint[0])

	t.Run("version", func(t *testing.T) {
		cmd := exec.Command(entrypoint, "version")
		cmd.SysProcAttr = asNonroot()
		out, err := cmd.CombinedOutput()
		mustf(t, err, "carpool version: %s", out)
		for _, want := range []string{labels["org.opencontainers.image.version"], labels["org.opencontainers.image.revision"]} {
			if want == "" || !strings.Contains(string(out), want) {
				t.Errorf("carpool version: got %q, want it to contain %q (stamped by the build)", out, want)
			}
		}
	})

	t.Run("serve answers readyz", func(t *testing.T) {
		data := writableDir(t)
		dbPath := filepath.Join(data, "carpool.db")
		cmd := exec.Command(entrypoint, "serve")
		cmd.Dir = data
		cmd.Env = []string{
			"PATH=/usr/bin:/bin",
			"CARPOOL_HTTP_ADDR=" + freeAddr(t),
			"CARPOOL_ADMIN_ADDR=" + freeAddr(t),
			"CARPOOL_DATABASE_URL=sqlite://" + dbPath,
		}
		serve(t, cmd)
		if _, err := os.Stat(dbPath); err != nil {
			t.Errorf("database: %v, want SQLite at %s", err, dbPath)
		}
	})

	// With root, run the image as a container runtime with readOnlyRootFilesystem would:
	// chrooted into its filesystem mounted read-only, a writable volume mounted on /data,
	// with the image's own environment, user and working directory and no database
	// setting, so the SQLite default must land on the volume.
	t.Run("serve from the read-only image filesystem with its defaults", func(t *testing.T) {
		if os.Geteuid() != 0 {
			skipOrFail(t, "chroot and mounts need root; the run above already covered serve")
		}
		volume := writableDir(t)
		readOnlyRoot(t, rootfs, filepath.Join(rootfs, cf.Config.WorkingDir), volume)
		cmd := exec.Command(cf.Config.Entrypoint[0], "serve")
		cmd.Dir = cf.Config.WorkingDir
		cmd.Env = append(append([]string{}, cf.Config.Env...),
			"CARPOOL_HTTP_ADDR="+freeAddr(t),
			"CARPOOL_ADMIN_ADDR="+freeAddr(t),
		)
		cmd.SysProcAttr = asNonroot()
		cmd.SysProcAttr.Chroot = rootfs
		serve(t, cmd)
		if _, err := os.Stat(filepath.Join(volume, "carpool.db")); err != nil {
			t.Errorf("SQLite default: %v, want carpool.db on the volume at %s", err, cf.Config.WorkingDir)
		}
	})
}

// readOnlyRoot bind-mounts root onto itself read-only and the writable volume onto
// mountpoint inside it, and undoes both at cleanup. It checks that the root really
// refuses writes, even root's, so the run above proves what it claims.
func readOnlyRoot(t *testing.T, root, mountpoint, volume string) {
	t.Helper()
	mustf(t, syscall.Mount(root, root, "", syscall.MS_BIND|syscall.MS_REC, ""), "bind %s", root)
	t.Cleanup(func() { _ = syscall.Unmount(root, syscall.MNT_DETACH) })
	mustf(t, syscall.Mount("", root, "", syscall.MS_BIND|syscall.MS_REMOUNT|syscall.MS_RDONLY, ""), "remount %s read-only", root)
	mustf(t, syscall.Mount(volume, mountpoint, "", syscall.MS_BIND, ""), "bind volume on %s", mountpoint)
	t.Cleanup(func() { _ = syscall.Unmount(mountpoint, syscall.MNT_DETACH) })
	probe := filepath.Join(root, "write-probe")
	if err := os.WriteFile(probe, nil, 0o644); !errors.Is(err, syscall.EROFS) {
		t.Fatalf("write to the read-only root: got %v, want EROFS", err)
	}
}

// serve starts cmd (a `carpool serve` with CARPOOL_HTTP_ADDR in its environment), waits
// for GET /readyz to answer 200, then stops it with SIGTERM.
func serve(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	var addr string
	for _, kv := range cmd.Env {
		if v, ok := strings.CutPrefix(kv, "CARPOOL_HTTP_ADDR="); ok {
			addr = v
		}
	}
	if cmd.SysProcAttr == nil {
		cmd.SysProcAttr = asNonroot()
	}
	var output bytes.Buffer
	cmd.Stdout, cmd.Stderr = &output, &output
	mustf(t, cmd.Start(), "start carpool serve")
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() {
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		if t.Failed() {
			t.Logf("carpool serve output:\n%s", output.String())
		}
	})

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	client := &http.Client{Timeout: 2 * time.Second}
	var last string
	for {
		select {
		case err := <-exited:
			exited <- err
			t.Fatalf("carpool serve exited before it was ready: %v\n%s", err, output.String())
		case <-ctx.Done():
			t.Fatalf("GET /readyz on %s: never 200 within 60s (last: %s)", addr, last)
		case <-time.After(100 * time.Millisecond):
		}
		resp, err := client.Get("http://" + addr + "/readyz")
		if err != nil {
			last = err.Error()
			continue
		}
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			return
		}
		last = resp.Status
	}
}

// asNonroot returns the credentials of the image's user when the test runs as root; a
// non-root test user is already what the image needs.
func asNonroot() *syscall.SysProcAttr {
	if os.Geteuid() != 0 {
		return &syscall.SysProcAttr{}
	}
	return &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: nonroot, Gid: nonroot, Groups: []uint32{}}}
}

// writableDir is an empty directory that the image's user may write, like a volume.
func writableDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "carpool-data-")
	mustf(t, err, "temp dir")
	t.Cleanup(func() { os.RemoveAll(dir) })
	if os.Geteuid() == 0 {
		mustf(t, os.Chown(dir, nonroot, nonroot), "chown %s", dir)
	}
	return dir
}

// freeAddr is a loopback address with a port nobody listens on right now.
func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	mustf(t, err, "listen")
	defer l.Close()
	return l.Addr().String()
}

// extract writes the image's flattened filesystem into a new directory, keeping modes and,
// as root, owners, so /data belongs to 65532 as in the image. The directory itself is
// world-traversable for the non-root user.
func extract(t *testing.T, img v1.Image) string {
	t.Helper()
	root, err := os.MkdirTemp("", "carpool-rootfs-")
	mustf(t, err, "temp dir")
	t.Cleanup(func() { os.RemoveAll(root) })
	mustf(t, os.Chmod(root, 0o755), "chmod %s", root)

	rc := mutate.Extract(img)
	defer rc.Close()
	tr := tar.NewReader(rc)
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return root
		}
		mustf(t, err, "read image filesystem")
		mustf(t, extractEntry(root, h, tr), "extract %s", h.Name)
	}
}

func extractEntry(root string, h *tar.Header, r io.Reader) error {
	rel := filepath.Clean(strings.TrimPrefix(h.Name, "/"))
	if !filepath.IsLocal(rel) {
		if rel == "." {
			return nil
		}
		return fmt.Errorf("path escapes the root: %q", h.Name)
	}
	dst := filepath.Join(root, rel)
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return err
	}
	mode := os.FileMode(h.Mode).Perm()
	if h.Mode&0o1000 != 0 { // /tmp
		mode |= os.ModeSticky
	}
	switch h.Typeflag {
	case tar.TypeDir:
		if err := os.MkdirAll(dst, 0o755); err != nil {
			return err
		}
		if err := os.Chmod(dst, mode); err != nil {
			return err
		}
	case tar.TypeReg:
		f, err := os.OpenFile(dst, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, mode)
		if err != nil {
			return err
		}
		if _, err := io.Copy(f, r); err != nil {
			f.Close()
			return err
		}
		if err := f.Close(); err != nil {
			return err
		}
	case tar.TypeSymlink:
		if err := os.Symlink(h.Linkname, dst); err != nil {
			return err
		}
	case tar.TypeLink:
		target := filepath.Clean(strings.TrimPrefix(h.Linkname, "/"))
		if !filepath.IsLocal(target) {
			return fmt.Errorf("hard link escapes the root: %q", h.Linkname)
		}
		if err := os.Link(filepath.Join(root, target), dst); err != nil {
			return err
		}
	default:
		return nil // devices and FIFOs: none in a distroless image, none needed to run
	}
	if os.Geteuid() == 0 {
		return os.Lchown(dst, h.Uid, h.Gid)
	}
	return nil
}
