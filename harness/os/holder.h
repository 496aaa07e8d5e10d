/* What the child an inherit server left behind holds, read from the OS, not
 * from the child: its listener, and its event loop's descriptor.
 * Per-OS: os/unix/holder.c with the descriptor tables of os/linux/holder.c
 * (/proc/PID/fd), os/freebsd/holder.c (sysctl kern.proc.filedesc) and
 * os/darwin/holder.c (libproc); os/windows/holder.c (the child's handle
 * table). Where
 * an OS cannot say, the answer is BM_HOLDS_UNKNOWN (null in the cell) and
 * the witness alone tells whether the listener lives on. */
#ifndef BM_OS_HOLDER_H
#define BM_OS_HOLDER_H

#include "os/sock.h"

#include <uv.h>

#define BM_HOLDS_UNKNOWN (-1)

struct bm_holder_query {
  uv_pid_t pid;
  unsigned long long listener_id; /* bm_holder_socket_id of the listener */
  int loop_fd; /* the server's loop descriptor number, -1 when it has none */
  int port;    /* the listener's: where the OS names sockets by address */
};

struct bm_holding {
  int alive;    /* the process still runs (neither gone nor a zombie) */
  int listener; /* 1, 0 or BM_HOLDS_UNKNOWN */
  int loop;     /* 1, 0 or BM_HOLDS_UNKNOWN */
};

/* Per-OS. */
struct bm_error bm_holder_read(const struct bm_holder_query *q,
                               struct bm_holding *out);

/* Per-OS. How a process's descriptor table names socket s (Linux: its
 * inode, as in "socket:[INODE]"; Windows: its handle value, which an
 * inherited handle keeps); 0 where the port tells instead. */
unsigned long long bm_holder_socket_id(bm_socket s);

#endif
