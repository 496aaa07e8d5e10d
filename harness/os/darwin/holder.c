/* What a process holds on macOS, from libproc (proc_pidinfo(2) with
 * PROC_PIDLISTFDS, then PROC_PIDFDSOCKETINFO per socket: what lsof reads).
 * The hold child makes no socket of its own, so a TCP socket bound to the
 * listener's port is the inherited listener; a kqueue at the loop's
 * descriptor number (numbers survive exec) is the inherited loop.
 *
 * Not run here: written to the SDK's <libproc.h> and <sys/proc_info.h>,
 * compiled only on macOS. */
#include "os/unix/holder.h"

#include <arpa/inet.h>
#include <libproc.h>
#include <sys/proc_info.h>

#include <errno.h>
#include <stdlib.h>

/* The port says which socket is the listener (bm_holder_query). */
unsigned long long bm_holder_socket_id(bm_socket s) {
  (void)s;
  return 0;
}

/* insi_lport is in network byte order, as the kernel keeps it. */
static int is_listener(uv_pid_t pid, int fd, int port) {
  struct socket_fdinfo si;
  if (proc_pidfdinfo(pid, fd, PROC_PIDFDSOCKETINFO, &si, sizeof si) !=
      (int)sizeof si)
    return 0; /* closed meanwhile */
  return si.psi.soi_kind == SOCKINFO_TCP &&
         ntohs((uint16_t)si.psi.soi_proto.pri_tcp.tcpsi_ini.insi_lport) == port;
}

int bm_holder_scan(const struct bm_holder_query *q, struct bm_holding *out) {
  int size = proc_pidinfo(q->pid, PROC_PIDLISTFDS, 0, NULL, 0);
  if (size <= 0)
    return errno != 0 ? errno : ESRCH;
  size += size / 4; /* room for descriptors opened meanwhile */
  struct proc_fdinfo *fds = malloc((size_t)size);
  if (fds == NULL)
    return ENOMEM;
  size = proc_pidinfo(q->pid, PROC_PIDLISTFDS, 0, fds, size);
  int err = size > 0 ? 0 : errno != 0 ? errno : ESRCH;
  if (err == 0) {
    out->listener = 0;
    out->loop = q->loop_fd >= 0 ? 0 : BM_HOLDS_UNKNOWN;
  }
  for (int i = 0; err == 0 && i < size / (int)sizeof *fds; i++) {
    if (fds[i].proc_fdtype == PROX_FDTYPE_SOCKET &&
        is_listener(q->pid, fds[i].proc_fd, q->port))
      out->listener = 1;
    if (fds[i].proc_fdtype == PROX_FDTYPE_KQUEUE &&
        fds[i].proc_fd == q->loop_fd)
      out->loop = 1;
  }
  free(fds);
  return err;
}
