/* bm_sockinfo_read on Linux: sock_diag names the inodes of the sockets on
 * the port (IPv4 and IPv6 tables), /proc/PID/fd says which descriptor of
 * the process is one of them, pidfd_getfd(2) (Linux 5.6) duplicates it so
 * that getsockopt can read its options, and /proc/PID/fdinfo/FD gives the
 * descriptor's own close-on-exec flag (a duplicate has a flag of its own). */
#include "os/sockinfo.h"

#include "os/linux/diag.h"
#include "os/linux/proc.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h> /* TCP_LISTEN */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#define MAX_INODES 64

struct inodes {
  unsigned long inode[MAX_INODES];
  int family[MAX_INODES]; /* 4 or 6: the table it was listed in */
  int count;
};

struct collecting {
  int port, family;
  struct inodes *found;
};

/* A socket of the dump, kept when it is on the port. */
static void collect(const struct nlmsghdr *h, const struct inet_diag_msg *msg,
                    void *ctx) {
  (void)h;
  struct collecting *c = ctx;
  struct inodes *found = c->found;
  if (ntohs(msg->id.idiag_sport) == c->port && found->count < MAX_INODES) {
    found->inode[found->count] = msg->idiag_inode;
    found->family[found->count++] = c->family;
  }
}

/* Every socket on `port` in one family's table (TCP: listening only; the
 * listening table is small, so the dump is filtered here, not in the
 * kernel). */
static int dump(int nl, int family, int proto_is_tcp, int port,
                struct inodes *found) {
  struct bm_diag_request r;
  size_t len = bm_diag_dump_request(&r, family == 4 ? AF_INET : AF_INET6,
                                    proto_is_tcp ? IPPROTO_TCP : IPPROTO_UDP,
                                    proto_is_tcp ? 1u << TCP_LISTEN : ~0u, 0);
  struct collecting c = {port, family, found};
  return bm_diag_ask(nl, &r, len, collect, &c);
}

static int sockets_on_port(int proto_is_tcp, int port, struct inodes *found) {
  found->count = 0;
  int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (nl < 0)
    return errno;
  int err = dump(nl, 4, proto_is_tcp, port, found);
  if (err == 0)
    err = dump(nl, 6, proto_is_tcp, port, found);
  close(nl);
  return err;
}

/* The descriptor of `pid` that is one of `found`; -1 when none is.
 * *family: the table that socket was listed in. */
struct search {
  const struct inodes *found;
  int fd, family;
};

static int is_found(int fd, unsigned long long inode, void *ctx) {
  struct search *s = ctx;
  for (int i = 0; i < s->found->count; i++)
    if (s->found->inode[i] == inode) {
      s->fd = fd;
      s->family = s->found->family[i];
    }
  return s->fd >= 0;
}

static int find_descriptor(int pid, const struct inodes *found, int *family) {
  struct search s = {found, -1, 0};
  bm_linux_each_socket(pid, is_found, &s);
  *family = s.family;
  return s.fd;
}

static int parent_of(int pid) {
  struct bm_process_entry p;
  return bm_linux_proc_stat(pid, &p) == 0 && p.exists ? p.parent : -1;
}

/* The holder: `pid` itself, else its first child that holds one of the
 * sockets. Returns the descriptor; *holder the process. */
static int find_holder(int pid, const struct inodes *found, int *holder,
                       int *family) {
  *holder = pid;
  int fd = find_descriptor(pid, found, family);
  if (fd >= 0)
    return fd;
  DIR *proc = opendir("/proc");
  if (!proc)
    return -1;
  for (struct dirent *e; fd < 0 && (e = readdir(proc));) {
    int child = atoi(e->d_name);
    if (child > 0 && parent_of(child) == pid) {
      *holder = child;
      fd = find_descriptor(child, found, family);
    }
  }
  closedir(proc);
  return fd;
}

/* FD's own close-on-exec flag: "flags:" in fdinfo is octal. */
static int read_cloexec(int pid, int fd) {
  char path[64], line[128];
  snprintf(path, sizeof path, "/proc/%d/fdinfo/%d", pid, fd);
  FILE *f = fopen(path, "re");
  if (!f)
    return -1;
  int cloexec = -1;
  unsigned long flags;
  while (cloexec < 0 && fgets(line, sizeof line, f))
    if (sscanf(line, "flags: %lo", &flags) == 1)
      cloexec = (flags & O_CLOEXEC) != 0;
  fclose(f);
  return cloexec;
}

static int int_option(int sock, int level, int name) {
  int value;
  socklen_t len = sizeof value;
  if (getsockopt(sock, level, name, &value, &len) != 0)
    return -1;
  return value != 0;
}

/* Options of the socket, read from a duplicate of `fd` of `holder`. */
static int read_options(int holder, int fd, struct bm_sockinfo *out) {
  int pidfd = (int)syscall(SYS_pidfd_open, holder, 0);
  if (pidfd < 0)
    return errno;
  int sock = (int)syscall(SYS_pidfd_getfd, pidfd, fd, 0);
  int err = sock < 0 ? errno : 0;
  close(pidfd);
  if (err != 0)
    return err;
  int domain;
  socklen_t len = sizeof domain;
  if (getsockopt(sock, SOL_SOCKET, SO_DOMAIN, &domain, &len) == 0)
    out->family = domain == AF_INET ? 4 : domain == AF_INET6 ? 6 : 0;
  out->reuseaddr = int_option(sock, SOL_SOCKET, SO_REUSEADDR);
  out->reuseport = int_option(sock, SOL_SOCKET, SO_REUSEPORT);
  out->v6only =
      out->family == 6 ? int_option(sock, IPPROTO_IPV6, IPV6_V6ONLY) : -1;
  close(sock);
  return 0;
}

int bm_sockinfo_read(int pid, int proto_is_tcp, int port,
                     struct bm_sockinfo *out) {
  struct bm_sockinfo unknown = {0, -1, -1, -1, -1};
  *out = unknown;
  struct inodes found;
  int err = sockets_on_port(proto_is_tcp, port, &found);
  if (err != 0)
    return err;
  int holder, family;
  int fd = find_holder(pid, &found, &holder, &family);
  if (fd < 0)
    return ENOENT;
  out->family = family;
  out->cloexec = read_cloexec(holder, fd);
  return read_options(holder, fd, out);
}
