/* The per-OS half of bm_holder_read on Unix (unix/holder.c): what a running
 * process's descriptor table shows. linux/holder.c reads /proc/PID/fd,
 * bsd/holder.c the sysctl kern.proc.filedesc, darwin/holder.c libproc. */
#ifndef BM_UNIX_HOLDER_H
#define BM_UNIX_HOLDER_H

#include "../bm_holder.h"

/* Sets out->listener and out->loop: 1, 0, or BM_HOLDS_UNKNOWN where the
 * table cannot tell. Returns 0 or an OS error number. */
int bm_holder_scan(const struct bm_holder_query *q, struct bm_holding *out);

#endif
