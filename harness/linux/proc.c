#include "proc.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

/* "PID (COMM) STATE PPID ...": COMM may hold anything, ')' too, so the
 * fields that follow are found after the last ')'. */
int bm_proc_stat(uv_pid_t pid, char *state, uv_pid_t *parent) {
  char path[64], stat[512];
  snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
  *state = '\0';
  *parent = 0;
  FILE *f = fopen(path, "re");
  if (!f)
    return errno == ENOENT ? 0 : errno;
  size_t n = fread(stat, 1, sizeof stat - 1, f);
  fclose(f);
  stat[n] = '\0';
  const char *end_of_name = strrchr(stat, ')');
  int ppid;
  if (!end_of_name || sscanf(end_of_name + 1, " %c %d", state, &ppid) != 2)
    return EPROTO;
  *parent = ppid;
  return 0;
}
