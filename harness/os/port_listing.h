/* Every TCP socket on a port as the OS lists it, and the processes that
 * hold each: the witness for a program the harness did not write
 * (`bindmatrix check`). The harness's own roles say which socket is whose;
 * a user's server does not, so the OS is asked where it listens, with which
 * address, and which processes hold what is left on its port once it is
 * gone. Per-OS: os/linux/port_listing.c (sock_diag, /proc/PID/fd);
 * os/listing_unsupported.c elsewhere, until an OS has its half. */
#ifndef BM_OS_PORT_LISTING_H
#define BM_OS_PORT_LISTING_H

#include "os/witness.h"

#include <uv.h>

#define BM_PORT_PIDS 8
#define BM_PORT_SOCKETS 256

struct bm_port_socket {
  enum bm_sock_state state;
  int ip;                      /* 4 or 6 */
  unsigned char address[16];   /* local, network order; IPv4: the first 4 */
  int port, peer_port;         /* local; remote (0 for a listener) */
  int v6only;                  /* IPv6: 1 or 0; -1 for IPv4 or unknown */
  unsigned long long id;       /* the OS's name (Linux: the inode); 0 when
                                  no descriptor refers to it (TIME_WAIT, an
                                  orphaned FIN_WAIT_2, not accepted yet) */
  uv_pid_t pids[BM_PORT_PIDS]; /* processes with a descriptor for it */
  int pid_count;               /* -1 until bm_port_find_holders */
};

struct bm_port_listing {
  struct bm_port_socket sockets[BM_PORT_SOCKETS];
  int count;
};

/* The TCP sockets on local port `port`, IPv4 and IPv6, in every state;
 * `listening_only`: listeners only (cheap to ask); port 0 with it: every
 * listener on the machine. BM_UNSUPPORTED where the OS has no half yet. */
struct bm_error bm_port_list(int port, int listening_only,
                             struct bm_port_listing *out);

/* Fills in the pids of each socket that has an id: every process's
 * descriptor table is read, which costs milliseconds, so it is asked only
 * when the answer is needed. */
struct bm_error bm_port_find_holders(struct bm_port_listing *l);

/* SO_REUSEADDR and SO_REUSEPORT of a listener `pid` holds on `port` in
 * family `ip` (4 or 6), read from outside: 1, 0 or -1 unknown. */
struct bm_error bm_port_listener_options(uv_pid_t pid, int port, int ip,
                                         int *reuseaddr, int *reuseport);

/* A process as the OS shows it: its parent and session (the tree a server
 * and its children form), and its command line. */
struct bm_process_entry {
  int exists;
  int zombie;
  uv_pid_t parent, session;
};

/* Returns 0 (exists 0: no such process) or the error. */
struct bm_error bm_process_entry_read(uv_pid_t pid,
                                      struct bm_process_entry *out);

/* Its arguments joined by spaces; "" when it has none to show. */
struct bm_error bm_process_command(uv_pid_t pid, char *buf, size_t size);

/* Every process's pid; *count of at most `max`. */
struct bm_error bm_process_all(uv_pid_t *pids, int max, int *count);

#endif
