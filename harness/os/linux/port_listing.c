/* bm_port_list on Linux: one sock_diag dump per address family, filtered
 * in the kernel to the port (IPv6 listeners come with IPV6_V6ONLY: the
 * kernel adds INET_DIAG_SKV6ONLY for LISTEN and CLOSE sockets unasked,
 * net/ipv4/inet_diag.c, inet_diag_msg_attrs_fill); the holders from
 * /proc/PID/fd, whose socket links name the inode sock_diag reports; processes
 * from /proc/PID/stat and /proc/PID/cmdline. */
#include "os/port_listing.h"

#include "os/linux/diag.h"
#include "os/linux/proc.h"
#include "os/linux/tcp_state.h"
#include "os/sockinfo.h"

#include <dirent.h>
#include <errno.h>
#include <linux/rtnetlink.h> /* RTA_OK, RTA_NEXT, RTA_DATA */
#include <netinet/in.h>
#include <netinet/tcp.h> /* TCP_LISTEN */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

static int v6only_of(const struct nlmsghdr *h, const struct inet_diag_msg *m) {
  int len = (int)h->nlmsg_len - (int)NLMSG_LENGTH(sizeof *m);
  for (const struct rtattr *a = (const struct rtattr *)(m + 1); RTA_OK(a, len);
       a = RTA_NEXT(a, len))
    if (a->rta_type == INET_DIAG_SKV6ONLY)
      return *(const unsigned char *)RTA_DATA(a) != 0;
  return -1;
}

struct listing {
  int family;
  struct bm_port_listing *out;
};

static void add_socket(const struct nlmsghdr *h, const struct inet_diag_msg *m,
                       void *ctx) {
  struct listing *l = ctx;
  struct bm_port_listing *out = l->out;
  enum bm_sock_state state;
  if (out->count == BM_PORT_SOCKETS ||
      bm_linux_tcp_state(m->idiag_state, &state) != 0)
    return;
  struct bm_port_socket *s = &out->sockets[out->count++];
  memset(s, 0, sizeof *s);
  s->state = state;
  s->ip = l->family == AF_INET ? 4 : 6;
  memcpy(s->address, m->id.idiag_src, s->ip == 4 ? 4 : 16);
  s->port = ntohs(m->id.idiag_sport);
  s->peer_port = ntohs(m->id.idiag_dport);
  s->v6only = s->ip == 6 ? v6only_of(h, m) : -1;
  s->id = m->idiag_inode;
  s->pid_count = -1;
}

static int dump_family(int nl, int family, int port, int listening_only,
                       struct bm_port_listing *out) {
  struct bm_diag_request r;
  size_t len = bm_diag_dump_request(
      &r, family, IPPROTO_TCP, listening_only ? 1u << TCP_LISTEN : ~0u, port);
  struct listing l = {family, out};
  return bm_diag_ask(nl, &r, len, add_socket, &l);
}

struct bm_error bm_port_list(int port, int listening_only,
                             struct bm_port_listing *out) {
  out->count = 0;
  int nl = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (nl < 0)
    return bm_error_from_os(errno);
  int err = dump_family(nl, AF_INET, port, listening_only, out);
  if (err == 0)
    err = dump_family(nl, AF_INET6, port, listening_only, out);
  close(nl);
  return bm_error_from_os(err);
}

/* ---- holders ------------------------------------------------------------ */

static void add_holder(struct bm_port_socket *s, uv_pid_t pid) {
  for (int i = 0; i < s->pid_count; i++)
    if (s->pids[i] == pid)
      return; /* a second descriptor for it (dup) */
  if (s->pid_count < BM_PORT_PIDS)
    s->pids[s->pid_count++] = pid;
}

struct scan {
  struct bm_port_listing *listing;
  uv_pid_t pid;
};

static int note_holder(int fd, unsigned long long inode, void *ctx) {
  (void)fd;
  struct scan *s = ctx;
  for (int i = 0; i < s->listing->count; i++)
    if (s->listing->sockets[i].id == inode)
      add_holder(&s->listing->sockets[i], s->pid);
  return 0;
}

static void scan_process(struct bm_port_listing *l, uv_pid_t pid) {
  struct scan s = {l, pid};
  bm_linux_each_socket(pid, note_holder, &s);
}

struct bm_error bm_port_find_holders(struct bm_port_listing *l) {
  int wanted = 0;
  for (int i = 0; i < l->count; i++) {
    l->sockets[i].pid_count = 0;
    wanted += l->sockets[i].id != 0;
  }
  if (wanted == 0)
    return BM_OK;
  enum { MAX_PIDS = 1 << 16 }; /* processes: far more than a machine runs */
  int max = MAX_PIDS, count;
  uv_pid_t *pids = malloc(sizeof *pids * (size_t)max);
  if (!pids)
    return bm_error_from_os(ENOMEM);
  struct bm_error err = bm_process_all(pids, max, &count);
  for (int i = 0; err.code == 0 && i < count; i++)
    scan_process(l, pids[i]);
  free(pids);
  return err;
}

/* os/sockinfo.h reads them, from the listener it finds first: when that is
 * of another family the answer is unknown. */
struct bm_error bm_port_listener_options(uv_pid_t pid, int port, int ip,
                                         int *reuseaddr, int *reuseport) {
  struct bm_sockinfo info;
  *reuseaddr = *reuseport = -1;
  int err = bm_sockinfo_read((int)pid, 1, port, &info);
  if (err == ENOENT || err == ESRCH)
    return BM_OK; /* it went meanwhile */
  if (err != 0)
    return bm_error_from_os(err);
  if (info.family == ip) {
    *reuseaddr = info.reuseaddr;
    *reuseport = info.reuseport;
  }
  return BM_OK;
}

/* ---- processes ---------------------------------------------------------- */

static int read_file(const char *path, char *buf, size_t size, size_t *len) {
  FILE *f = fopen(path, "re");
  if (!f)
    return errno;
  *len = fread(buf, 1, size - 1, f);
  fclose(f);
  buf[*len] = '\0';
  return 0;
}

struct bm_error bm_process_entry_read(uv_pid_t pid,
                                      struct bm_process_entry *out) {
  return bm_error_from_os(bm_linux_proc_stat(pid, out));
}

struct bm_error bm_process_command(uv_pid_t pid, char *buf, size_t size) {
  char path[64];
  size_t len = 0;
  snprintf(path, sizeof path, "/proc/%d/cmdline", (int)pid);
  int err = read_file(path, buf, size, &len);
  if (err != 0) {
    buf[0] = '\0';
    return err == ENOENT || err == ESRCH ? BM_OK : bm_error_from_os(err);
  }
  while (len > 0 && buf[len - 1] == '\0')
    len--; /* the last argument's end */
  for (size_t i = 0; i < len; i++)
    if (buf[i] == '\0')
      buf[i] = ' ';
  buf[len] = '\0';
  return BM_OK;
}

struct bm_error bm_process_all(uv_pid_t *pids, int max, int *count) {
  *count = 0;
  DIR *proc = opendir("/proc");
  if (!proc)
    return bm_error_from_os(errno);
  for (const struct dirent *e; *count < max && (e = readdir(proc)) != NULL;) {
    int pid = atoi(e->d_name);
    if (pid > 0)
      pids[(*count)++] = pid;
  }
  closedir(proc);
  return BM_OK;
}
