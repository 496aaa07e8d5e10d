/* The per-OS half of bm_holder_read on Unix (os/unix/holder.c): what a running
 * process's descriptor table shows. os/linux/holder.c reads /proc/PID/fd,
 * os/freebsd/holder.c the sysctl kern.proc.filedesc, os/darwin/holder.c
 * libproc. */
#ifndef BM_UNIX_HOLDER_H
#define BM_UNIX_HOLDER_H

#include "os/holder.h"

/* Sets out->listener and out->loop: 1, 0, or BM_HOLDS_UNKNOWN where the
 * table cannot tell. Returns 0 or an OS error number. */
int bm_holder_scan(const struct bm_holder_query *q, struct bm_holding *out);

#endif
