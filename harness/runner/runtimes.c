/* Whether a runtime's role program is in this build. Meson builds
 * BUILD/runtimes/bm-role-<runtime> for every runtime it finds and writes
 * BUILD/runtimes/missing.txt, a line "RUNTIME REASON" for each it does not:
 * the cells of a runtime without a role are unsupported with that reason,
 * never a failed spawn. */
#include "runner/sequence.h"

#include <stdio.h>
#include <string.h>

/* The runtime's line of missing.txt beside its would-be program. */
static int reason_from_list(const char *program, const char *runtime, char *buf,
                            size_t size) {
  char path[4096];
  const char *slash = strrchr(program, '/');
  snprintf(path, sizeof path, "%.*smissing.txt",
           slash ? (int)(slash - program + 1) : 0, program);
  FILE *f = fopen(path, "r");
  if (!f)
    return 0;
  char line[256];
  size_t len = strlen(runtime);
  int found = 0;
  while (!found && fgets(line, sizeof line, f))
    if (strncmp(line, runtime, len) == 0 && line[len] == ' ') {
      line[strcspn(line, "\r\n")] = '\0';
      snprintf(buf, size, "runtime %s: %s", runtime, line + len + 1);
      found = 1;
    }
  fclose(f);
  return found;
}

const char *bm_run_runtime_missing(struct bm_run_context *run,
                                   const struct bm_option *option) {
  if (option->via != BM_VIA_RUNTIME)
    return NULL;
  int i = bm_option_index(option);
  char *reason = run->runtime_missing[i];
  if (!run->runtime_checked[i]) {
    run->runtime_checked[i] = 1;
    char program[4096];
    uv_fs_t req;
    reason[0] = '\0';
    if (bm_pool_program(run->pool, option->runtime, BM_USER_SAME, program,
                        sizeof program) != 0 ||
        uv_fs_stat(NULL, &req, program, NULL) != 0) {
      if (!reason_from_list(program, option->runtime, reason,
                            sizeof run->runtime_missing[i]))
        snprintf(reason, sizeof run->runtime_missing[i],
                 "runtime %s: its role bm-role-%s was not built",
                 option->runtime, option->runtime);
    }
    uv_fs_req_cleanup(&req);
  }
  return reason[0] ? reason : NULL;
}
