/* The user's server, one instance at a time: started with its port in its
 * arguments ({port}, --port-arg) and in its environment, in a process
 * group of its own (os/supervise.h); its standard input and output are the
 * null device, its standard error is kept, its last lines for the report;
 * stopped as a supervisor stops it. */
#include "runner/check_internal.h"

#include "os/supervise.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_closed(uv_handle_t *handle) {
  struct bm_check_server *s = handle->data;
  s->open_handles--;
}

static void on_server_exit(uv_process_t *process, int64_t status, int signal) {
  struct bm_check_server *s = process->data;
  s->exited = 1;
  s->exit_status = status;
  s->exit_signal = signal;
  s->exited_ms = uv_now(process->loop);
}

static void keep_line(struct bm_check_server *s) {
  size_t len = s->partial_len;
  while (len > 0 && s->partial[len - 1] == '\r')
    len--;
  s->partial[len] = '\0';
  snprintf(s->tail[s->tail_next], BM_CHECK_LINE, "%s", s->partial);
  s->tail_next = (s->tail_next + 1) % BM_CHECK_TAIL_LINES;
  if (s->tail_count < BM_CHECK_TAIL_LINES)
    s->tail_count++;
  s->partial_len = 0;
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf) {
  (void)handle;
  (void)suggested;
  static char chunk[4096]; /* one read at a time: the loop has one thread */
  *buf = uv_buf_init(chunk, sizeof chunk);
}

/* Lines longer than a tail line are cut; a last line without its end is
 * kept when the pipe closes. */
static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
  struct bm_check_server *s = stream->data;
  if (nread < 0) {
    s->stderr_ended = 1;
    if (s->partial_len > 0)
      keep_line(s);
    uv_close((uv_handle_t *)stream, on_closed);
    return;
  }
  for (ssize_t i = 0; i < nread; i++) {
    char c = buf->base[i];
    if (c == '\n')
      keep_line(s);
    else if (s->partial_len < BM_CHECK_LINE - 1)
      s->partial[s->partial_len++] = c;
  }
}

/* `text` with every {port} replaced. */
static char *with_port(const char *text, int port) {
  char number[16];
  snprintf(number, sizeof number, "%d", port);
  size_t size = strlen(text) + 1;
  for (const char *p = strstr(text, "{port}"); p; p = strstr(p + 6, "{port}"))
    size += strlen(number);
  char *out = malloc(size), *at = out;
  if (!out)
    return NULL;
  for (const char *p = text; *p;)
    if (strncmp(p, "{port}", 6) == 0) {
      at += sprintf(at, "%s", number);
      p += 6;
    } else {
      *at++ = *p++;
    }
  *at = '\0';
  return out;
}

static void free_argv(struct bm_check_server *s) {
  for (char **a = s->argv; a && *a; a++)
    free(*a);
  free(s->argv);
  s->argv = NULL;
}

static int make_argv(const struct bm_check_options *o, int port,
                     struct bm_check_server *s) {
  int count = o->command_count + (o->port_arg != NULL);
  s->argv = calloc((size_t)count + 1, sizeof *s->argv);
  if (!s->argv)
    return UV_ENOMEM;
  for (int i = 0; i < count; i++) {
    s->argv[i] =
        with_port(i < o->command_count ? o->command[i] : o->port_arg, port);
    if (!s->argv[i])
      return UV_ENOMEM;
  }
  return 0;
}

struct bm_error bm_check_server_start(struct bm_check_loop *l,
                                      const struct bm_check_options *o,
                                      int port, struct bm_check_server *s) {
  memset(s, 0, sizeof *s);
  char number[16];
  snprintf(number, sizeof number, "%d", port);
  int err = make_argv(o, port, s);
  if (err == 0)
    err = uv_os_setenv(o->env_name, number);
  if (err != 0) {
    free_argv(s);
    return bm_error_from_uv(err);
  }
  uv_pipe_init(&l->loop, &s->err, 0);
  s->err.data = s->process.data = s;
  s->open_handles = 1;
  uv_stdio_container_t stdio[3] = {
      {.flags = UV_IGNORE},
      {.flags = UV_IGNORE},
      {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE,
       .data.stream = (uv_stream_t *)&s->err},
  };
  uv_process_options_t options = {
      .exit_cb = on_server_exit,
      .file = s->argv[0],
      .args = s->argv,
      .stdio_count = 3,
      .stdio = stdio,
      .flags = bm_supervise_spawn_flags() | UV_PROCESS_WINDOWS_HIDE,
  };
  s->started_ms = bm_check_now(l);
  err = uv_spawn(&l->loop, &s->process, &options);
  s->open_handles++; /* a failed uv_spawn still initialised the handle */
  if (err != 0) {
    s->exited = 1;
    bm_check_server_close(l, s);
    return bm_error_from_uv(err);
  }
  s->pid = uv_process_get_pid(&s->process);
  uv_read_start((uv_stream_t *)&s->err, on_alloc, on_read);
  if (o->verbose)
    fprintf(stderr, "bindmatrix: started %s (pid %d) on port %d\n", s->argv[0],
            (int)s->pid, port);
  return BM_OK;
}

int bm_check_server_tail(const struct bm_check_server *s, const char **lines,
                         int max) {
  int n = s->tail_count < max ? s->tail_count : max;
  int first = (s->tail_next - n + BM_CHECK_TAIL_LINES) % BM_CHECK_TAIL_LINES;
  for (int i = 0; i < n; i++)
    lines[i] = s->tail[(first + i) % BM_CHECK_TAIL_LINES];
  return n;
}

static int exited(void *arg) { return ((struct bm_check_server *)arg)->exited; }

int bm_check_server_stop(struct bm_check_loop *l, struct bm_check_server *s,
                         int grace_ms, int ms, struct bm_check_stop *out) {
  memset(out, 0, sizeof *out);
  uint64_t from = bm_check_now(l);
  int waited = l->interrupted_by ? 0 : 1, ending = l->ending;
  l->ending = 1; /* stopped it must be, whatever comes */
  if (!s->exited && waited) {
    out->sent = bm_supervise_stop_name(0);
    bm_supervise_stop(&s->process, 0);
    waited = bm_check_wait(l, exited, s, (uint64_t)grace_ms);
  }
  if (waited == 0 && !s->exited) {
    out->escalated = 1;
    out->sent = bm_supervise_stop_name(1);
    bm_supervise_stop(&s->process, 1);
    waited = bm_check_wait(l, exited, s, (uint64_t)ms);
  }
  l->ending = ending;
  out->exit_status = s->exit_status;
  out->exit_signal = s->exit_signal;
  out->ms = s->exited ? s->exited_ms - from : 0;
  return waited > 0 ? 0 : -1;
}

static int closed(void *arg) {
  return ((struct bm_check_server *)arg)->open_handles == 0;
}

void bm_check_server_close(struct bm_check_loop *l, struct bm_check_server *s) {
  if (!s->argv)
    return; /* never started, or closed already */
  if (!s->exited)
    bm_supervise_stop(&s->process, 1);
  while (!s->exited)
    uv_run(&l->loop, UV_RUN_ONCE);
  if (!uv_is_closing((uv_handle_t *)&s->process))
    uv_close((uv_handle_t *)&s->process, on_closed);
  if (!uv_is_closing((uv_handle_t *)&s->err))
    uv_close((uv_handle_t *)&s->err, on_closed);
  while (!closed(s))
    uv_run(&l->loop, UV_RUN_ONCE);
  free_argv(s);
}
