// Command htpasswd prints one bcrypt htpasswd line for the distribution registry's
// htpasswd authentication (the only hash it accepts), so CI needs no apache2-utils.
//
// Usage:
//
//	htpasswd USER < password-file >> htpasswd
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/crypto/bcrypt"
)

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "htpasswd:", err)
		os.Exit(1)
	}
}

func run() error {
	if len(os.Args) != 2 || os.Args[1] == "" || strings.Contains(os.Args[1], ":") {
		return fmt.Errorf("usage: htpasswd USER < password (user without ':')")
	}
	// The password is read from standard input so that it never shows in a process list.
	password, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && password == "" {
		return fmt.Errorf("read password from stdin: %w", err)
	}
	password = strings.TrimRight(password, "\r\n")
	if password == "" {
		return fmt.Errorf("empty password")
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("hash password: %w", err)
	}
	fmt.Printf("%s:%s\n", os.Args[1], hash)
	return nil
}
