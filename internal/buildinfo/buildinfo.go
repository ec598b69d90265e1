// Package buildinfo holds what the build stamped into the binary.
package buildinfo

import (
	"runtime"
	"runtime/debug"
)

// Version and Commit are set at link time:
//
//	-ldflags "-X carpool/internal/buildinfo.Version=v1.2.3 -X carpool/internal/buildinfo.Commit=abc123"
//
// When they are not set, the VCS information that the go command embeds is used.
var (
	Version = "dev"
	Commit  = ""
)

// Info is the build information that `carpool version` and `/version` report.
type Info struct {
	Version   string `json:"version"`
	Commit    string `json:"commit"`
	GoVersion string `json:"go_version"`
}

// Get returns the build information of the running binary.
func Get() Info {
	info := Info{Version: Version, Commit: Commit, GoVersion: runtime.Version()}
	if info.Commit == "" {
		if bi, ok := debug.ReadBuildInfo(); ok {
			for _, s := range bi.Settings {
				if s.Key == "vcs.revision" {
					info.Commit = s.Value
				}
			}
		}
	}
	if info.Commit == "" {
		info.Commit = "unknown"
	}
	return info
}
