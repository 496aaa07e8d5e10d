/* bm_port_list and the process entries where the OS layer has no half for
 * them yet (Windows, FreeBSD, macOS): every call says so, and `bindmatrix
 * check` says it in one line instead of guessing where a server listens.
 * The halves to write: GetExtendedTcpTable(TCP_TABLE_OWNER_PID_ALL) and a
 * Toolhelp snapshot on Windows; the pcblist and kern.file sysctls on
 * FreeBSD; libproc's PROC_PIDFDSOCKETINFO on macOS. */
#include "os/port_listing.h"

struct bm_error bm_port_list(int port, int listening_only,
                             struct bm_port_listing *out) {
  (void)port;
  (void)listening_only;
  out->count = 0;
  return BM_UNSUPPORTED;
}

struct bm_error bm_port_find_holders(struct bm_port_listing *l) {
  (void)l;
  return BM_UNSUPPORTED;
}

struct bm_error bm_port_listener_options(uv_pid_t pid, int port, int ip,
                                         int *reuseaddr, int *reuseport) {
  (void)pid;
  (void)port;
  (void)ip;
  *reuseaddr = *reuseport = -1;
  return BM_UNSUPPORTED;
}

struct bm_error bm_process_entry_read(uv_pid_t pid,
                                      struct bm_process_entry *out) {
  (void)pid;
  out->exists = 0;
  return BM_UNSUPPORTED;
}

struct bm_error bm_process_command(uv_pid_t pid, char *buf, size_t size) {
  (void)pid;
  if (size > 0)
    buf[0] = '\0';
  return BM_UNSUPPORTED;
}

struct bm_error bm_process_all(uv_pid_t *pids, int max, int *count) {
  (void)pids;
  (void)max;
  *count = 0;
  return BM_UNSUPPORTED;
}
