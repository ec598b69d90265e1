package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/jackc/pgx/v5"
)

// instance is a postgres process this harness started: its data lives in a temporary
// directory that is removed when the instance is closed.
type instance struct {
	bin     string // directory of initdb and postgres
	root    string // temporary directory: data, socket and log
	port    int
	cred    *syscall.Credential // the postgres user, when we run as root
	logPath string
	durable bool // synchronous_commit on: a commit survives a crash of the server

	mu     sync.Mutex
	cmd    *exec.Cmd
	exited chan struct{}
}

// start makes a new cluster and starts it; durable keeps synchronous_commit on.
func start(durable bool) (*Server, error) {
	bin, err := findBinaries()
	if err != nil {
		return nil, err
	}
	in := &instance{bin: bin, durable: durable}
	if err := in.prepare(); err != nil {
		_ = os.RemoveAll(in.root)
		return nil, err
	}
	// A free port can be taken by someone else between finding and binding it: try again.
	for attempt := 0; ; attempt++ {
		in.port, err = freePort()
		if err == nil {
			err = in.start()
		}
		if err == nil {
			break
		}
		if attempt == 2 {
			_ = os.RemoveAll(in.root)
			return nil, err
		}
	}
	admin := &url.URL{
		Scheme:   "postgres",
		User:     url.User("postgres"),
		Host:     net.JoinHostPort("127.0.0.1", strconv.Itoa(in.port)),
		Path:     "/postgres",
		RawQuery: "sslmode=disable",
	}
	return &Server{admin: admin, local: in}, nil
}

// findBinaries returns the directory holding initdb and postgres: $CARPOOL_POSTGRES_BIN,
// then PATH, then the newest /usr/lib/postgresql/N/bin (Debian keeps them off PATH).
func findBinaries() (string, error) {
	has := func(dir string) bool {
		for _, name := range []string{"initdb", "postgres"} {
			if fi, err := os.Stat(filepath.Join(dir, name)); err != nil || fi.IsDir() {
				return false
			}
		}
		return true
	}
	if dir := os.Getenv(EnvBin); dir != "" {
		if has(dir) {
			return dir, nil
		}
		return "", fmt.Errorf("%w: %s=%s holds no initdb and postgres", errNoPostgres, EnvBin, dir)
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(p); err == nil {
			p = real // the directory of the real binaries, not of a symlink to them
		}
		if has(filepath.Dir(p)) {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return majorOf(dirs[i]) > majorOf(dirs[j]) })
	for _, dir := range dirs {
		if has(dir) {
			return dir, nil
		}
	}
	return "", fmt.Errorf("%w: initdb and postgres are neither on PATH nor under /usr/lib/postgresql/*/bin", errNoPostgres)
}

func majorOf(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// prepare creates the temporary directory and the cluster in it. PostgreSQL refuses to
// run as root, so as root the directory is given to the postgres user and the binaries
// run with its credentials.
func (in *instance) prepare() error {
	root, err := os.MkdirTemp("", "carpool-pg-")
	if err != nil {
		return fmt.Errorf("temp dir: %w", err)
	}
	in.root = root
	in.logPath = filepath.Join(root, "postgres.log")
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			return fmt.Errorf("%w: running as root and there is no postgres user to run the server as", errNoPostgres)
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		in.cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		if err := os.Chown(root, uid, gid); err != nil {
			return fmt.Errorf("give %s to postgres: %w", root, err)
		}
	}
	var out bytes.Buffer
	cmd := exec.Command(filepath.Join(in.bin, "initdb"),
		"--pgdata", filepath.Join(root, "data"), "--username", "postgres", "--auth", "trust",
		"--encoding", "UTF8", "--no-locale", "--no-sync")
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.Env = in.env()
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: in.cred}
	if err := cmd.Run(); err != nil {
		return fmt.Errorf("initdb: %w\n%s", err, out.String())
	}
	return nil
}

func (in *instance) env() []string {
	return []string{"PATH=" + in.bin + ":/usr/bin:/bin", "LC_ALL=C", "TZ=UTC", "HOME=" + in.root}
}

// start runs postgres in the background and waits until it accepts connections.
func (in *instance) start() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.cmd != nil {
		return errors.New("already running")
	}
	logFile, err := os.OpenFile(in.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o666)
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	defer logFile.Close()
	offset, _ := logFile.Seek(0, 2)
	cmd := exec.Command(filepath.Join(in.bin, "postgres"),
		"-D", filepath.Join(in.root, "data"),
		"-p", strconv.Itoa(in.port),
		"-k", in.root,
		"-c", "listen_addresses=127.0.0.1",
		// Throwaway data: durability buys nothing and costs seconds per test. fsync
		// stays off even for a durable server: its crashes are process crashes, and
		// the kernel keeps what was written.
		"-c", "fsync=off", "-c", "synchronous_commit="+map[bool]string{true: "on", false: "off"}[in.durable], "-c", "full_page_writes=off",
		// Enough for several replicas' pools and a contract suite at once.
		"-c", "max_connections=300",
		"-c", "shared_buffers=32MB",
	)
	cmd.Stdout, cmd.Stderr = logFile, logFile
	cmd.Env = in.env()
	// SIGQUIT (immediate shutdown) when the test binary dies without stopping us, so
	// no server outlives its tests.
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: in.cred, Pdeathsig: syscall.SIGQUIT, Setpgid: true}
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("start postgres: %w", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	in.cmd, in.exited = cmd, exited

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	dsn := fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable&connect_timeout=2", in.port)
	for {
		conn, err := pgx.Connect(ctx, dsn)
		if err == nil {
			_ = conn.Close(ctx)
			return nil
		}
		select {
		case <-exited:
			in.cmd = nil
			return fmt.Errorf("postgres exited at start:\n%s", in.logSince(offset))
		case <-ctx.Done():
			_ = cmd.Process.Signal(syscall.SIGQUIT)
			<-exited
			in.cmd = nil
			return fmt.Errorf("postgres did not accept connections within a minute: %v\n%s", err, in.logSince(offset))
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (in *instance) running() bool {
	in.mu.Lock()
	defer in.mu.Unlock()
	return in.cmd != nil
}

// stop asks for a fast shutdown (SIGINT) and waits for the process to exit; after a
// while it insists with an immediate shutdown (SIGQUIT).
func (in *instance) stop() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.cmd == nil {
		return nil
	}
	cmd, exited := in.cmd, in.exited
	in.cmd = nil
	_ = cmd.Process.Signal(syscall.SIGINT)
	select {
	case <-exited:
		return nil
	case <-time.After(30 * time.Second):
	}
	_ = cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-exited:
		return nil
	case <-time.After(10 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		return errors.New("postgres ignored fast and immediate shutdown; killed")
	}
}

// close stops the server and removes its files.
func (in *instance) close() error {
	err := in.stop()
	if rmErr := os.RemoveAll(in.root); rmErr != nil && err == nil {
		err = rmErr
	}
	return err
}

func (in *instance) logSince(offset int64) string {
	b, err := os.ReadFile(in.logPath)
	if err != nil || offset > int64(len(b)) {
		return ""
	}
	return strings.TrimSpace(string(b[offset:]))
}

// freePort returns a loopback TCP port that nobody listens on right now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// stopImmediate asks for an immediate shutdown (SIGQUIT: no checkpoint, crash recovery
// at the next start) and waits for the process to exit.
func (in *instance) stopImmediate() error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.cmd == nil {
		return nil
	}
	cmd, exited := in.cmd, in.exited
	in.cmd = nil
	_ = cmd.Process.Signal(syscall.SIGQUIT)
	select {
	case <-exited:
		return nil
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		<-exited
		return errors.New("postgres ignored an immediate shutdown; killed")
	}
}

// signalAll sends sig to the postmaster and every process it forked (backends and
// auxiliary processes). They are found by parent pid: each calls setsid() at start, so
// the postmaster's process group does not hold them.
func (in *instance) signalAll(sig syscall.Signal) error {
	in.mu.Lock()
	defer in.mu.Unlock()
	if in.cmd == nil {
		return errors.New("not running")
	}
	// The postmaster first, so that it forks nobody we would miss.
	pid := in.cmd.Process.Pid
	if err := syscall.Kill(pid, sig); err != nil {
		return fmt.Errorf("signal %v to postgres: %w", sig, err)
	}
	var pids []int
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return fmt.Errorf("list processes: %w", err)
	}
	for _, e := range entries {
		child, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile(filepath.Join("/proc", e.Name(), "stat"))
		if err != nil {
			continue // it ended meanwhile
		}
		// pid (comm) state ppid ...: comm may hold spaces, so split after its ')'.
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		if len(fields) > 1 && fields[1] == strconv.Itoa(pid) {
			pids = append(pids, child)
		}
	}
	for _, p := range pids {
		if err := syscall.Kill(p, sig); err != nil && !errors.Is(err, syscall.ESRCH) {
			return fmt.Errorf("signal %v to postgres process %d: %w", sig, p, err)
		}
	}
	return nil
}
