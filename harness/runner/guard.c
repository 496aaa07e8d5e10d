#include "runner/guard.h"

#include "os/process.h"

#include <signal.h>
#ifdef _WIN32
#include <io.h>
#define read _read
#else
#include <unistd.h>
#endif

static const int signums[3] = {SIGINT, SIGTERM, SIGHUP};

static struct {
  uv_loop_t loop; /* never run but to take what its watchers caught */
  uv_signal_t signals[3];
  int started, caught;
  uv_thread_t reader;
  uv_mutex_t lock; /* for the two below, shared with the reader */
  int input_ended;
  uv_async_t *attached;
} guard;

static void on_signal(uv_signal_t *handle, int signum) {
  (void)handle;
  if (!guard.caught)
    guard.caught = signum;
}

/* The reader thread: nothing is ever written to the input; it ends when
 * the parent's end closes. */
static void read_until_end(void *arg) {
  (void)arg;
  char ignored[64];
  while (read(0, ignored, sizeof ignored) > 0)
    ;
  uv_mutex_lock(&guard.lock);
  guard.input_ended = 1;
  if (guard.attached)
    uv_async_send(guard.attached);
  uv_mutex_unlock(&guard.lock);
}

int bm_guard_start(int end_with_parent) {
  int err = uv_loop_init(&guard.loop);
  if (err == 0)
    err = uv_mutex_init(&guard.lock);
  guard.started = err == 0;
  /* SIGHUP only for a driver that asked: a user's `nohup bindmatrix`
   * keeps the SIGHUP it ignores. */
  int count = end_with_parent ? 3 : 2;
  for (int i = 0; i < count && err == 0; i++) {
    uv_signal_init(&guard.loop, &guard.signals[i]);
    err = uv_signal_start(&guard.signals[i], on_signal, signums[i]);
  }
  if (err != 0 || !end_with_parent)
    return err;
  bm_process_end_with_parent(SIGHUP); /* its handler is there now */
  if (uv_guess_handle(0) != UV_NAMED_PIPE)
    return 0; /* a terminal or a file: no parent's end to watch */
  return uv_thread_create(&guard.reader, read_until_end, NULL);
}

int bm_guard_caught(void) {
  if (!guard.started)
    return 0;
  if (!guard.caught)
    uv_run(&guard.loop, UV_RUN_NOWAIT);
  uv_mutex_lock(&guard.lock);
  if (!guard.caught && guard.input_ended)
    guard.caught = SIGHUP;
  uv_mutex_unlock(&guard.lock);
  return guard.caught;
}

void bm_guard_attach(uv_async_t *async) {
  if (!guard.started)
    return;
  uv_mutex_lock(&guard.lock);
  guard.attached = async;
  if (guard.input_ended)
    uv_async_send(async);
  uv_mutex_unlock(&guard.lock);
}

void bm_guard_detach(void) {
  if (!guard.started)
    return;
  uv_mutex_lock(&guard.lock);
  guard.attached = NULL;
  uv_mutex_unlock(&guard.lock);
}
