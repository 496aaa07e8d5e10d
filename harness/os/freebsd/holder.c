/* What a process holds on FreeBSD, from the sysctl kern.proc.filedesc (what
 * procstat -f reads): one struct kinfo_file per descriptor, each starting
 * with its own length. The hold child makes no socket of its own, so a TCP
 * socket bound to the listener's port is the inherited listener; a kqueue
 * at the loop's descriptor number (numbers survive exec) is the inherited
 * loop.
 *
 * Not run here: written to FreeBSD's <sys/user.h> (kf_sa_local and
 * kf_sock_protocol keep their names from FreeBSD 12 on, as the header's
 * compatibility members), compiled only on FreeBSD. */
#include "os/unix/holder.h"

/* sys/param.h first, as procstat(1) has it. */
/* clang-format off */
#include <sys/param.h>
#include <sys/socket.h>
#include <sys/sysctl.h>
#include <sys/user.h>
#include <netinet/in.h>
/* clang-format on */

#include <errno.h>
#include <stdlib.h>

/* The port says which socket is the listener (bm_holder_query). */
unsigned long long bm_holder_socket_id(bm_socket s) {
  (void)s;
  return 0;
}

static int local_port(const struct sockaddr_storage *ss) {
  if (ss->ss_family == AF_INET)
    return ntohs(((const struct sockaddr_in *)ss)->sin_port);
  if (ss->ss_family == AF_INET6)
    return ntohs(((const struct sockaddr_in6 *)ss)->sin6_port);
  return 0;
}

static void scan_records(const char *buf, size_t len,
                         const struct bm_holder_query *q,
                         struct bm_holding *out) {
  size_t at = 0;
  while (at + sizeof(int) <= len) {
    const struct kinfo_file *kf = (const struct kinfo_file *)(buf + at);
    if (kf->kf_structsize <= 0 || at + (size_t)kf->kf_structsize > len)
      break;
    if (kf->kf_type == KF_TYPE_SOCKET && kf->kf_sock_protocol == IPPROTO_TCP &&
        local_port(&kf->kf_sa_local) == q->port)
      out->listener = 1;
    if (kf->kf_type == KF_TYPE_KQUEUE && kf->kf_fd == q->loop_fd)
      out->loop = 1;
    at += (size_t)kf->kf_structsize;
  }
}

int bm_holder_scan(const struct bm_holder_query *q, struct bm_holding *out) {
  int mib[4] = {CTL_KERN, KERN_PROC, KERN_PROC_FILEDESC, (int)q->pid};
  size_t len = 0;
  if (sysctl(mib, 4, NULL, &len, NULL, 0) != 0)
    return errno;
  len += len / 4; /* room for descriptors opened meanwhile */
  char *buf = malloc(len);
  if (buf == NULL)
    return ENOMEM;
  int err = sysctl(mib, 4, buf, &len, NULL, 0) == 0 ? 0 : errno;
  if (err == 0) {
    out->listener = 0;
    out->loop = q->loop_fd >= 0 ? 0 : BM_HOLDS_UNKNOWN;
    scan_records(buf, len, q, out);
  }
  free(buf);
  return err;
}
