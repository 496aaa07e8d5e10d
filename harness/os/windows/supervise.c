/* Windows: a console program's polite stop is Ctrl-Break
 * (GenerateConsoleCtrlEvent), but it reaches only a process group that
 * shares the sender's console, and uv_spawn makes a group of its own only
 * with UV_PROCESS_DETACHED, which also takes the console away
 * (DETACHED_PROCESS | CREATE_NEW_PROCESS_GROUP in src/win/process.c). So
 * the stop is TerminateProcess, libuv's answer to SIGTERM and SIGKILL
 * alike, at once; the server stays in libuv's job object, which ends it
 * with the harness. Its children are not reached: they show as holders of
 * the port. */
#include "os/supervise.h"

unsigned bm_supervise_spawn_flags(void) { return 0; }

struct bm_error bm_supervise_stop(uv_process_t *server, int hard) {
  (void)hard;
  int err = uv_process_kill(server, SIGTERM);
  return err == 0 || err == UV_ESRCH ? BM_OK : bm_error_from_uv(err);
}

const char *bm_supervise_stop_name(int hard) {
  (void)hard;
  return "TerminateProcess";
}
