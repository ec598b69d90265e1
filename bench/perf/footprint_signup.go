package main

import (
	"fmt"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"time"
)

// signUpRSS measures, for each carpool build, the resident set right after one sign-up
// and after some idle time: the sign-up's argon2id hash takes 19 MiB, which the process
// should not keep once it is idle. Each build starts fresh (the connections of the idle
// figure would blur it), all are signed up in turn and then left alone together, so the
// idle wait is paid once.
func signUpRSS(r *Result, bin, dir string, names []string, idle map[string]float64) error {
	type started struct {
		name string
		p    *proc
		addr string
		at   float64
	}
	var procs []started
	defer func() {
		for _, s := range procs {
			s.p.stop()
		}
	}()
	for _, name := range names {
		addr, admin := freeAddr(), freeAddr()
		env := []string{"CARPOOL_HTTP_ADDR=" + addr, "CARPOOL_ADMIN_ADDR=" + admin, "CARPOOL_LOG_LEVEL=warn",
			"CARPOOL_SHUTDOWN_DELAY=0s", "CARPOOL_SIGNUP_DOMAINS=example.com",
			"CARPOOL_DATABASE_URL=sqlite://" + filepath.Join(dir, name+"-signup.db")}
		p, err := start("http://"+addr+"/readyz", env, dir, filepath.Join(bin, name), "serve")
		if err != nil {
			return err
		}
		procs = append(procs, started{name: name, p: p, addr: addr})
	}
	time.Sleep(pick(3*time.Second, 500*time.Millisecond))
	for i, s := range procs {
		if err := signUp(s.addr); err != nil {
			return fmt.Errorf("%s: %w", s.name, err)
		}
		procs[i].at = rssKB(s.p.cmd.Process.Pid) / 1024
	}
	wait := pick(30*time.Second, 3*time.Second) // the hashes' memory goes back a second after the last one
	time.Sleep(wait)
	for _, s := range procs {
		r.add(Figure{Name: s.name + " RSS right after a sign-up", Value: s.at, Unit: "MB"})
		f := Figure{Name: fmt.Sprintf("%s RSS after a sign-up, after %s idle", s.name, wait), Value: rssKB(s.p.cmd.Process.Pid) / 1024, Unit: "MB",
			Anchor: "its idle RSS", Of: idle[s.name]}
		if s.name == "carpool" {
			// the hash's memory is given back: what stays is the sign-up's own caches
			f.Target, f.Met = "≤ 1.25", met(f.Value <= 1.25*idle[s.name])
		}
		r.add(f)
	}
	return nil
}

// signUp makes one member through the API, which hashes the password with argon2id.
func signUp(addr string) error {
	body := `{"email":"ann@example.com","name":"Ann Example","password":"correct horse battery staple 42"}`
	resp, err := (&http.Client{Timeout: 30 * time.Second}).Post("http://"+addr+"/api/v1/members", "application/json", strings.NewReader(body))
	if err != nil {
		return fmt.Errorf("sign up: %w", err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusCreated {
		return fmt.Errorf("sign up: %s: %s", resp.Status, b)
	}
	return nil
}
