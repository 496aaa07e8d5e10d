/* Where the harness has no way yet to read another process's socket
 * (macOS, FreeBSD, Windows; under Wine the host's sockets belong to
 * wineserver): the cells say null, "not known", never a guess. */
#include "os/sockinfo.h"

#include <errno.h>

int bm_sockinfo_read(int pid, int proto_is_tcp, int port,
                     struct bm_sockinfo *out) {
  (void)pid;
  (void)proto_is_tcp;
  (void)port;
  out->family = 0;
  out->reuseaddr = out->reuseport = out->v6only = out->cloexec = -1;
  return ENOSYS;
}
