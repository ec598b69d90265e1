// Command carpool is the carpool service: one binary that serves, migrates, backs up and
// administers. See README.md.
package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"
	_ "time/tzdata" // CARPOOL_TIMEZONE works in images without zone files
)

func main() {
	ctx, cancel := context.WithCancel(context.Background())
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM)
	go func() {
		<-sigs // the first signal asks for a graceful stop
		cancel()
		<-sigs // a second one means: now
		fmt.Fprintln(os.Stderr, "carpool: second signal, exiting at once")
		os.Exit(1)
	}()
	m := &Main{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	os.Exit(m.Run(ctx, os.Args[1:]))
}
