/* bm_sockinfo_read against sockets made here with known options: each
 * line below is a socket and the options the OS must report it carries;
 * then one held only by a child (as nginx's workers hold theirs), and a
 * port nobody holds. */
#include "os/sockinfo.h"
#include "tap.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

struct made {
  const char *what;
  int family, type, cloexec, reuseaddr, reuseport, v6only; /* -1: not set */
};

/* A socket bound to a port the OS chooses (TCP: listening); its port. */
static int make_socket(const struct made *m, int *port) {
  int s = socket(m->family == 4 ? AF_INET : AF_INET6,
                 m->type | (m->cloexec ? SOCK_CLOEXEC : 0), 0);
  int one = 1;
  if (m->reuseaddr == 1)
    setsockopt(s, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (m->reuseport == 1)
    setsockopt(s, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
  if (m->v6only >= 0)
    setsockopt(s, IPPROTO_IPV6, IPV6_V6ONLY, &m->v6only, sizeof m->v6only);
  struct sockaddr_storage ss = {0};
  socklen_t len;
  if (m->family == 4) {
    struct sockaddr_in *a = (struct sockaddr_in *)&ss;
    a->sin_family = AF_INET;
    a->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    len = sizeof *a;
  } else {
    struct sockaddr_in6 *a = (struct sockaddr_in6 *)&ss;
    a->sin6_family = AF_INET6;
    a->sin6_addr = in6addr_any;
    len = sizeof *a;
  }
  if (bind(s, (struct sockaddr *)&ss, len) != 0 ||
      (m->type == SOCK_STREAM && listen(s, 8) != 0) ||
      getsockname(s, (struct sockaddr *)&ss, &len) != 0)
    return -1;
  *port = ntohs(m->family == 4 ? ((struct sockaddr_in *)&ss)->sin_port
                               : ((struct sockaddr_in6 *)&ss)->sin6_port);
  return s;
}

static void check(const char *what, const struct bm_sockinfo *got,
                  const struct bm_sockinfo *want) {
  char line[128];
#define FIELD(f)                                                               \
  snprintf(line, sizeof line, "%s: " #f, what);                                \
  tap_check_int(line, got->f, want->f)
  FIELD(family);
  FIELD(reuseaddr);
  FIELD(reuseport);
  FIELD(v6only);
  FIELD(cloexec);
#undef FIELD
}

static void test_own_sockets(void) {
  static const struct made cases[] = {
      {"tcp4 SO_REUSEADDR cloexec", 4, SOCK_STREAM, 1, 1, 0, -1},
      {"tcp4 default", 4, SOCK_STREAM, 0, 0, 0, -1},
      {"tcp6 v6only SO_REUSEPORT", 6, SOCK_STREAM, 0, 0, 1, 1},
      {"tcp6 dual-stack SO_REUSEADDR cloexec", 6, SOCK_STREAM, 1, 1, 0, 0},
      {"udp4 SO_REUSEADDR", 4, SOCK_DGRAM, 0, 1, 0, -1},
      {"udp6 v6only cloexec", 6, SOCK_DGRAM, 1, 0, 0, 1},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const struct made *m = &cases[i];
    int port, s = make_socket(m, &port);
    struct bm_sockinfo got,
        want = {m->family, m->reuseaddr, m->reuseport,
                m->family == 6 ? m->v6only : -1, m->cloexec};
    int err =
        s < 0 ? errno
              : bm_sockinfo_read(getpid(), m->type == SOCK_STREAM, port, &got);
    tap_check_int(m->what, err, 0);
    check(m->what, &got, &want);
    close(s);
  }
}

/* The listener exists only in a child: the read finds it there. */
static void test_child_holder(void) {
  static const struct made in_child = {
      "tcp4 in a child", 4, SOCK_STREAM, 0, 1, 1, -1};
  int ready[2];
  if (pipe(ready) != 0)
    return;
  pid_t child = fork();
  if (child == 0) {
    int port, s = make_socket(&in_child, &port);
    if (write(ready[1], &port, sizeof port) != sizeof port || s < 0)
      _exit(1);
    pause();
    _exit(0);
  }
  int port = 0;
  ssize_t n = read(ready[0], &port, sizeof port);
  struct bm_sockinfo got, want = {4, 1, 1, -1, 0};
  tap_check_int(
      "the child's listener found from its parent",
      n == sizeof port ? bm_sockinfo_read(getpid(), 1, port, &got) : -1, 0);
  check(in_child.what, &got, &want);
  kill(child, SIGKILL);
  waitpid(child, NULL, 0);
  close(ready[0]);
  close(ready[1]);
}

/* A port that was ours and is closed now: nobody holds it. */
static void test_nobody(void) {
  static const struct made gone = {"tcp4 closed", 4, SOCK_STREAM, 1, 0, 0, -1};
  int port, s = make_socket(&gone, &port);
  close(s);
  struct bm_sockinfo got, want = {0, -1, -1, -1, -1};
  tap_check_int("a closed listener's port: ENOENT",
                bm_sockinfo_read(getpid(), 1, port, &got), ENOENT);
  check("nothing read", &got, &want);
  static const struct made udp = {"udp4", 4, SOCK_DGRAM, 1, 0, 0, -1};
  int udp_port, u = make_socket(&udp, &udp_port);
  tap_check_int("a UDP socket is no TCP listener: ENOENT",
                bm_sockinfo_read(getpid(), 1, udp_port, &got), ENOENT);
  close(u);
}

int main(void) {
  test_own_sockets();
  test_child_holder();
  test_nobody();
  return tap_done();
}
