// bm-role-go: the role protocol (role-protocol.md) with Go's own listener,
// net.Listen. One listener and one accepted connection per cell.
//
// Endpoints: net.Listen("tcp", ADDR:PORT), ADDR the endpoint's address (its
// name without brackets and without the "dual" of [::]dual), but "tcp6" for
// [::]: Go sets IPV6_V6ONLY on a tcp6 wildcard and turns a "tcp"
// wildcard, 0.0.0.0 included, into a dual-stack [::] socket where the OS
// has IPv4-mapped addresses (net/ipsock_posix.go, favoriteAddrFamily).
// Errors: Go names the failing system call (os.SyscallError) and exposes
// errno (syscall.Errno; on Windows the WSA code), not its portable name.
package main

import (
	"bufio"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type cell struct {
	listener net.Listener
	conn     net.Conn
}

// address is the endpoint's IP address: its name without brackets and
// without the "dual" of [::]dual; false for a name that is not an address.
func address(endpoint string) (string, bool) {
	host := strings.Trim(strings.TrimSuffix(endpoint, "dual"), "[]")
	return host, net.ParseIP(host) != nil
}

var out = bufio.NewWriter(os.Stdout)

func reply(format string, args ...interface{}) {
	fmt.Fprintf(out, format+"\n", args...)
	out.Flush()
}

func unsupported(why string) {
	fmt.Fprintln(os.Stderr, "bm-role-go:", why)
	reply("fail command unsupported -")
}

// fail replies with the system call Go says failed and its errno.
func fail(stage string, err error) {
	var sysErr *os.SyscallError
	if errors.As(err, &sysErr) {
		stage = sysErr.Syscall
	}
	var errno syscall.Errno
	if errors.As(err, &errno) {
		reply("fail %s - %d", stage, int(errno))
		return
	}
	fmt.Fprintln(os.Stderr, "bm-role-go:", err)
	reply("fail %s - -", stage)
}

// listen parses "tcp ENDPOINT OPTION PORT" and listens the way Go does.
func listen(args []string) (net.Listener, bool) {
	if len(args) != 4 {
		unsupported("expected: tcp ENDPOINT OPTION PORT")
		return nil, false
	}
	if args[2] != "go:net.Listen" {
		unsupported("the only listener here is go:net.Listen, not " + args[2])
		return nil, false
	}
	host, known := address(args[1])
	if args[0] != "tcp" || !known {
		unsupported("a TCP listener on an address, not " + args[0] + " " + args[1])
		return nil, false
	}
	network := "tcp"
	if args[1] == "[::]" {
		network = "tcp6"
	}
	l, err := net.Listen(network, net.JoinHostPort(host, args[3]))
	if err != nil {
		fail("listen", err)
		return nil, false
	}
	return l, true
}

func port(l net.Listener) int { return l.Addr().(*net.TCPAddr).Port }

func (c *cell) reset() {
	if c.conn != nil {
		c.conn.Close()
	}
	if c.listener != nil {
		c.listener.Close()
	}
	*c = cell{}
}

// acceptWindow is how long count's Accept waits for one more connection.
// On Unix Accept tries accept(2) before it waits, so a queued connection is
// taken at once and the window only ends the loop. On Windows Accept posts
// an AcceptEx and waits for its completion, which under Wine has taken
// longer than a millisecond even for a queued connection.
func acceptWindow() time.Duration {
	if runtime.GOOS == "windows" {
		return 100 * time.Millisecond
	}
	return time.Millisecond
}

// count accepts what is already waiting: a deadline just ahead lets Accept
// take every queued connection and then give up; each is reset (linger 0)
// so that it leaves no TIME_WAIT on the port.
func (c *cell) count() {
	tl := c.listener.(*net.TCPListener)
	n := 0
	for {
		tl.SetDeadline(time.Now().Add(acceptWindow()))
		conn, err := tl.Accept()
		if err != nil {
			if errors.Is(err, os.ErrDeadlineExceeded) {
				break
			}
			fail("accept", err)
			return
		}
		conn.(*net.TCPConn).SetLinger(0)
		conn.Close()
		n++
	}
	tl.SetDeadline(time.Time{})
	reply("ok %d", n)
}

// inherit starts HOLD with os/exec as a Go server would: stdin the harness's
// descriptor 3, stdout a pipe for its "ok PID" line; Go's own descriptors
// stay close-on-exec, which is what is measured.
func (c *cell) inherit(args []string) bool {
	if runtime.GOOS == "windows" {
		unsupported("inherit hands descriptor 3 to the child: a Unix convention")
		return false
	}
	if len(args) < 5 {
		unsupported("expected: inherit tcp ENDPOINT OPTION PORT HOLD...")
		return false
	}
	l, ok := listen(args[:4])
	if !ok {
		return false
	}
	c.listener = l
	cmd := exec.Command(args[4], args[5:]...)
	cmd.Stdin = os.NewFile(3, "hold-input")
	cmd.Stderr = os.Stderr
	childOut, err := cmd.StdoutPipe()
	if err == nil {
		err = cmd.Start()
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "bm-role-go:", err)
		reply("fail spawn - -")
		return false
	}
	line, err := bufio.NewReader(childOut).ReadString('\n')
	var pid int
	if _, scanErr := fmt.Sscanf(line, "ok %d", &pid); err != nil || scanErr != nil || pid != cmd.Process.Pid {
		fmt.Fprintf(os.Stderr, "bm-role-go: the child said %q\n", line)
		reply("fail spawn - -")
		return false
	}
	reply("ok %d %d", port(l), pid)
	return true
}

func (c *cell) serve(words []string) {
	switch words[0] {
	case "server":
		c.reset()
		if l, ok := listen(words[1:]); ok {
			c.listener = l
			reply("ok %d", port(l))
		}
	case "probe":
		if l, ok := listen(words[1:]); ok {
			l.Close()
			reply("ok 0")
		}
	case "accept":
		if c.listener == nil {
			unsupported("accept without a listener")
			return
		}
		conn, err := c.listener.Accept()
		if err != nil {
			fail("accept", err)
			return
		}
		c.conn = conn
		reply("ok 0")
	case "count":
		if c.listener == nil {
			unsupported("count without a listener")
			return
		}
		c.count()
	case "close-conn":
		if c.conn != nil {
			c.conn.Close()
			c.conn = nil
		}
		reply("ok 0")
	case "close-listener":
		if c.listener != nil {
			c.listener.Close()
			c.listener = nil
		}
		reply("ok 0")
	case "reset":
		c.reset()
		reply("ok 0")
	case "inherit":
		c.reset()
		c.inherit(words[1:])
	case "bind", "listen":
		unsupported("net.Listen binds and listens in one call: no bound-only socket")
	default:
		unsupported("a listener role: no " + strconv.Quote(words[0]) + " request")
	}
}

func main() {
	var c cell
	in := bufio.NewScanner(os.Stdin)
	for in.Scan() {
		words := strings.Fields(in.Text())
		if len(words) == 0 {
			unsupported("an empty request")
			continue
		}
		c.serve(words)
	}
	c.reset()
}
