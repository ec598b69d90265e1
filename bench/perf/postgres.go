package main

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"syscall"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

// pgServer is a throwaway PostgreSQL 15 on loopback, restartable with other settings.
type pgServer struct {
	bin, root string
	port      int
	cred      *syscall.Credential
	cmd       *exec.Cmd
	done      chan struct{}
}

func newPG() (*pgServer, error) {
	bin := os.Getenv("CARPOOL_POSTGRES_BIN")
	if bin == "" {
		bin = "/usr/lib/postgresql/15/bin"
	}
	root, err := os.MkdirTemp("", "carpool-perf-pg-")
	if err != nil {
		return nil, err
	}
	os.Chmod(root, 0o777)
	_, portStr, _ := splitHostPort(freeAddr())
	port, _ := strconv.Atoi(portStr)
	s := &pgServer{bin: bin, root: root, port: port}
	if os.Geteuid() == 0 { // the server refuses to run as root
		u, err := user.Lookup("postgres")
		if err != nil {
			return nil, fmt.Errorf("running as root needs a postgres user: %w", err)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		s.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		os.Chown(root, uid, gid)
	}
	cmd := exec.Command(filepath.Join(bin, "initdb"), "-D", filepath.Join(root, "data"), "-U", "postgres", "--auth", "trust", "--no-locale", "-E", "UTF8", "--no-sync")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred}
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("initdb: %v\n%s", err, out)
	}
	return s, nil
}

func (s *pgServer) url() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/carpool?sslmode=disable", s.port)
}

// start runs the server with fsync on or off (synchronous_commit follows it).
func (s *pgServer) start(fsync bool) error {
	onoff := map[bool]string{true: "on", false: "off"}[fsync]
	s.cmd = exec.Command(filepath.Join(s.bin, "postgres"), "-D", filepath.Join(s.root, "data"), "-p", strconv.Itoa(s.port),
		"-k", s.root, "-c", "listen_addresses=127.0.0.1", "-c", "max_connections=200", "-c", "shared_buffers=64MB",
		"-c", "fsync="+onoff, "-c", "synchronous_commit="+onoff, "-c", "full_page_writes="+onoff)
	s.cmd.SysProcAttr = &syscall.SysProcAttr{Credential: s.cred, Pdeathsig: syscall.SIGQUIT}
	log, _ := os.Create(filepath.Join(s.root, "log"))
	os.Chmod(filepath.Join(s.root, "log"), 0o666)
	s.cmd.Stdout, s.cmd.Stderr = log, log
	if err := s.cmd.Start(); err != nil {
		return err
	}
	s.done = make(chan struct{})
	go func() { s.cmd.Wait(); close(s.done) }()
	admin := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		db, _ := sql.Open("pgx", admin)
		err := db.Ping()
		if err == nil {
			db.Exec("CREATE DATABASE carpool")
			db.Close()
			return nil
		}
		db.Close()
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("postgres did not start")
}

func (s *pgServer) stop() {
	if s.cmd == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-s.done:
	case <-time.After(30 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

func (s *pgServer) close() {
	s.stop()
	os.RemoveAll(s.root)
}

func (s *pgServer) exec(ctx context.Context, q string, args ...any) error {
	db, err := sql.Open("pgx", s.url())
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, q, args...)
	return err
}

func execURL(ctx context.Context, url, q string) error {
	db, err := sql.Open("pgx", url)
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, q)
	return err
}

// scratch makes a temporary folder named after a part and starts a throwaway PostgreSQL
// with fsync off, for the search parts; done removes both.
func scratch(part string) (dir string, pg *pgServer, done func(), err error) {
	if dir, err = os.MkdirTemp("", "carpool-perf-"+part+"-"); err != nil {
		return "", nil, nil, err
	}
	if pg, err = newPG(); err != nil {
		os.RemoveAll(dir)
		return "", nil, nil, err
	}
	done = func() { pg.close(); os.RemoveAll(dir) }
	if err = pg.start(false); err != nil {
		done()
		return "", nil, nil, err
	}
	return dir, pg, done, nil
}
