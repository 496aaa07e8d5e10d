/* Linux: /proc/PID/stat, a child subreaper and a parent-death signal
 * (prctl(2)). The subreaper attribute is not inherited: the roles are not
 * subreapers, and their orphans come up to the harness. */
#include "os/process.h"
#include "os/linux/proc.h"
#include "os/unix/process.h"

#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

/* "PID (COMM) STATE PPID PGRP SESSION ...": COMM may hold anything, ')'
 * too, so the fields that follow are found after the last ')'. */
int bm_linux_proc_stat(uv_pid_t pid, struct bm_process_entry *out) {
  char path[64], stat[512];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  memset(out, 0, sizeof *out);
  FILE *f = fopen(path, "re");
  if (!f)
    return errno == ENOENT || errno == ESRCH ? 0 : errno;
  size_t n = fread(stat, 1, sizeof stat - 1, f);
  fclose(f);
  stat[n] = '\0';
  const char *end_of_name = strrchr(stat, ')');
  char state;
  int parent, session;
  if (!end_of_name ||
      sscanf(end_of_name + 1, " %c %d %*d %d", &state, &parent, &session) != 3)
    return EPROTO;
  out->exists = 1;
  out->zombie = state == 'Z' || state == 'X';
  out->parent = parent;
  out->session = session;
  return 0;
}

void bm_linux_each_socket(uv_pid_t pid,
                          int (*each)(int fd, unsigned long long inode,
                                      void *ctx),
                          void *ctx) {
  char path[64];
  snprintf(path, sizeof path, "/proc/%d/fd", (int)pid);
  DIR *dir = opendir(path);
  if (!dir)
    return;
  int done = 0;
  for (const struct dirent *e; !done && (e = readdir(dir)) != NULL;) {
    char link[64];
    ssize_t n = readlinkat(dirfd(dir), e->d_name, link, sizeof link - 1);
    unsigned long long inode;
    if (n <= 0)
      continue; /* ".", "..", or a descriptor closed meanwhile */
    link[n] = '\0';
    if (sscanf(link, "socket:[%llu]", &inode) == 1)
      done = each(atoi(e->d_name), inode, ctx);
  }
  closedir(dir);
}

int bm_process_read(uv_pid_t pid, struct bm_process *out) {
  struct bm_process_entry e;
  int err = bm_linux_proc_stat(pid, &e);
  *out = (struct bm_process){e.exists, e.zombie, e.parent};
  return err;
}

int bm_process_adopt_orphans(void) {
  return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : errno;
}

int bm_process_end_with_parent(int signum) {
  return prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0;
}
