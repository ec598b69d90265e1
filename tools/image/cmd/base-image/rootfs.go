package main

import (
	"archive/tar"
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"sort"
	"strings"
	"time"

	v1 "github.com/google/go-containerregistry/pkg/v1"
	"github.com/google/go-containerregistry/pkg/v1/tarball"
	"github.com/google/go-containerregistry/pkg/v1/types"
)

// nonroot is the user the image runs as; the same numeric id as distroless's nonroot, so
// manifests written for either base agree.
const nonroot = 65532

// epoch is every file's modification time, so the same inputs give the same digest.
var epoch = time.Unix(0, 0).UTC()

type rootfsSpec struct {
	caFile   string
	zoneinfo string
}

// entry is one tar header with its content; directories and symlinks have none.
type entry struct {
	hdr  tar.Header
	data []byte
}

func dir(name string, mode int64, uid int) entry {
	return entry{hdr: tar.Header{Typeflag: tar.TypeDir, Name: name + "/", Mode: mode, Uid: uid, Gid: uid}}
}

func file(name string, mode int64, data []byte) entry {
	return entry{hdr: tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: mode, Size: int64(len(data))}, data: data}
}

const passwd = `root:x:0:0:root:/root:/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin
nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin
`

const group = `root:x:0:
nobody:x:65534:
nonroot:x:65532:
`

// nsswitch.conf makes Go's resolver consult /etc/hosts before DNS, as glibc systems do.
const nsswitch = "hosts: files dns\n"

const osRelease = `PRETTY_NAME="carpool distroless-style base"
NAME="carpool-base"
ID=carpool-base
`

// rootfsLayer builds the single layer shared by every platform: nothing in it depends on
// the CPU architecture.
func rootfsLayer(spec rootfsSpec) (v1.Layer, error) {
	ca, err := os.ReadFile(spec.caFile)
	if err != nil {
		return nil, fmt.Errorf("read CA certificates: %w", err)
	}
	entries := []entry{
		dir("data", 0o755, nonroot),
		dir("etc", 0o755, 0),
		file("etc/group", 0o644, []byte(group)),
		file("etc/nsswitch.conf", 0o644, []byte(nsswitch)),
		file("etc/os-release", 0o644, []byte(osRelease)),
		file("etc/passwd", 0o644, []byte(passwd)),
		dir("etc/ssl", 0o755, 0),
		dir("etc/ssl/certs", 0o755, 0),
		file("etc/ssl/certs/ca-certificates.crt", 0o644, ca),
		dir("home", 0o755, 0),
		dir("home/nonroot", 0o700, nonroot),
		dir("root", 0o700, 0),
		dir("tmp", 0o1777, 0),
	}
	if spec.zoneinfo != "" {
		tz, err := zoneinfoEntries(spec.zoneinfo)
		if err != nil {
			return nil, fmt.Errorf("read time zones: %w", err)
		}
		entries = append(entries, dir("usr", 0o755, 0), dir("usr/share", 0o755, 0))
		entries = append(entries, tz...)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].hdr.Name < entries[j].hdr.Name })

	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range entries {
		h := e.hdr
		h.ModTime, h.Format = epoch, tar.FormatPAX
		if err := tw.WriteHeader(&h); err != nil {
			return nil, fmt.Errorf("tar %s: %w", h.Name, err)
		}
		if _, err := tw.Write(e.data); err != nil {
			return nil, fmt.Errorf("tar %s: %w", h.Name, err)
		}
	}
	if err := tw.Close(); err != nil {
		return nil, fmt.Errorf("close tar: %w", err)
	}
	b := buf.Bytes()
	return tarball.LayerFromOpener(func() (io.ReadCloser, error) {
		return io.NopCloser(bytes.NewReader(b)), nil
	}, tarball.WithMediaType(types.OCILayer))
}

// zoneinfoEntries copies the time zone database, leaving out the "right" and "posix"
// duplicates that Go never reads.
func zoneinfoEntries(root string) ([]entry, error) {
	var out []entry
	err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(root, p)
		if err != nil {
			return err
		}
		rel = filepath.ToSlash(rel)
		if rel == "right" || rel == "posix" || strings.HasPrefix(rel, "right/") || strings.HasPrefix(rel, "posix/") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		name := path.Join("usr/share/zoneinfo", rel)
		if rel == "." {
			name = "usr/share/zoneinfo"
		}
		switch {
		case d.Type()&fs.ModeSymlink != 0:
			target, err := os.Readlink(p)
			if err != nil {
				return err
			}
			out = append(out, entry{hdr: tar.Header{Typeflag: tar.TypeSymlink, Name: name, Linkname: target, Mode: 0o777}})
		case d.IsDir():
			out = append(out, dir(name, 0o755, 0))
		case d.Type().IsRegular():
			data, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			out = append(out, file(name, 0o644, data))
		}
		return nil
	})
	return out, err
}
