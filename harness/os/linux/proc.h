/* Linux: a process as /proc shows it, read in one place for the Unix half
 * (bm_process_read), the port listing and the socket reader: its
 * /proc/PID/stat, and the sockets among its descriptors. */
#ifndef BM_OS_LINUX_PROC_H
#define BM_OS_LINUX_PROC_H

#include "os/port_listing.h"

/* 0 (out->exists 0: no such process) or an OS error number. */
int bm_linux_proc_stat(uv_pid_t pid, struct bm_process_entry *out);

/* Calls each(fd, inode, ctx) for every socket descriptor of `pid` until it
 * returns nonzero; a process gone, or not this user's to read, has none. */
void bm_linux_each_socket(uv_pid_t pid,
                          int (*each)(int fd, unsigned long long inode,
                                      void *ctx),
                          void *ctx);

#endif
