/* Linux: /proc/PID/stat, a child subreaper and a parent-death signal
 * (prctl(2)). The subreaper attribute is not inherited: the roles are not
 * subreapers, and their orphans come up to the harness. */
#include "os/process.h"
#include "os/unix/process.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

/* "PID (COMM) STATE PPID ...": COMM may hold anything, ')' too, so the
 * fields that follow are found after the last ')'. */
int bm_process_read(uv_pid_t pid, struct bm_process *out) {
  char path[64], stat[512];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  memset(out, 0, sizeof *out);
  FILE *f = fopen(path, "re");
  if (!f)
    return errno == ENOENT ? 0 : errno;
  size_t n = fread(stat, 1, sizeof stat - 1, f);
  fclose(f);
  stat[n] = '\0';
  const char *end_of_name = strrchr(stat, ')');
  char state;
  int ppid;
  if (!end_of_name || sscanf(end_of_name + 1, " %c %d", &state, &ppid) != 2)
    return EPROTO;
  out->exists = 1;
  out->zombie = state == 'Z' || state == 'X';
  out->parent = ppid;
  return 0;
}

int bm_process_adopt_orphans(void) {
  return prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) == 0 ? 0 : errno;
}

int bm_process_end_with_parent(int signum) {
  return prctl(PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0;
}
