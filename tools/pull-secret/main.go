// Command pull-secret writes the Kubernetes Secret of type kubernetes.io/dockerconfigjson
// that lets a kubelet pull carpool's image from a private registry (the Secret that the
// deploy manifests name in imagePullSecrets). Its output is what
//
//	kubectl create secret docker-registry NAME --docker-server=... --docker-username=... \
//	    --docker-password=... --dry-run=client -o yaml
//
// prints, without needing kubectl or a cluster.
//
// Usage:
//
//	pull-secret [-n NAMESPACE] --docker-server=HOST[:PORT] --docker-username=USER \
//	    (--docker-password=PASS | --docker-password-stdin) [--docker-email=EMAIL] NAME
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
)

func main() {
	if err := run(os.Args[1:], os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "pull-secret:", err)
		os.Exit(2)
	}
}

func run(args []string, stdin io.Reader, stdout io.Writer) error {
	fs := flag.NewFlagSet("pull-secret", flag.ContinueOnError)
	var (
		c             credentials
		namespace     = fs.String("n", "", "namespace of the Secret (omitted when empty)")
		passwordStdin = fs.Bool("docker-password-stdin", false, "read the password from the first line of standard input")
	)
	fs.StringVar(namespace, "namespace", "", "same as -n")
	fs.StringVar(&c.Server, "docker-server", "", "registry host[:port], as written in image references")
	fs.StringVar(&c.Username, "docker-username", "", "registry user")
	fs.StringVar(&c.Password, "docker-password", "", "registry password (prefer --docker-password-stdin: arguments show in process lists)")
	fs.StringVar(&c.Email, "docker-email", "", "e-mail address (optional)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		return fmt.Errorf("want exactly one Secret name, got %d arguments", fs.NArg())
	}
	if *passwordStdin {
		if c.Password != "" {
			return fmt.Errorf("--docker-password and --docker-password-stdin exclude each other")
		}
		line, err := bufio.NewReader(stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("read password from stdin: %w", err)
		}
		c.Password = strings.TrimRight(line, "\r\n")
	}
	s := secret{Name: fs.Arg(0), Namespace: *namespace, Credentials: c}
	if err := s.validate(); err != nil {
		return err
	}
	out, err := s.manifest()
	if err != nil {
		return err
	}
	_, err = io.WriteString(stdout, out)
	return err
}
