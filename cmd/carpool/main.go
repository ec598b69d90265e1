// Command carpool is the carpool service: one binary that serves, migrates, backs up and
// administers. See README.md.
package main

import (
	"fmt"
	"os"

	"carpool/internal/buildinfo"
)

func main() {
	if len(os.Args) > 1 && os.Args[1] == "version" {
		bi := buildinfo.Get()
		fmt.Printf("carpool %s (commit %s, %s)\n", bi.Version, bi.Commit, bi.GoVersion)
		return
	}
	fmt.Fprintln(os.Stderr, "usage: carpool <serve|migrate|backup|restore|members|healthcheck|version>")
	os.Exit(2)
}
