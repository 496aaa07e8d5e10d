#include "runner/child.h"

#ifdef _WIN32
#include <windows.h>
#endif

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void on_handle_closed(uv_handle_t *handle) {
  struct bm_child *child = handle->data;
  if (--child->open_handles == 0 && child->on_closed)
    child->on_closed(child);
}

static void close_handle(uv_handle_t *handle) {
  if (!uv_is_closing(handle))
    uv_close(handle, on_handle_closed);
}

/* stdout is closed at EOF, not at exit, so a last line is never lost. */
static void on_process_exit(uv_process_t *process, int64_t status, int signal) {
  (void)status;
  (void)signal;
  struct bm_child *child = process->data;
  close_handle((uv_handle_t *)&child->process);
  close_handle((uv_handle_t *)&child->to_child);
}

static void on_alloc(uv_handle_t *handle, size_t suggested, uv_buf_t *buf) {
  (void)suggested;
  struct bm_child *child = handle->data;
  size_t room = sizeof child->line - 1 - child->line_len;
  *buf = uv_buf_init(child->line + child->line_len, (unsigned)room);
}

/* Hands every complete line to on_line; keeps a partial one for later. */
static void deliver_lines(struct bm_child *child) {
  char *newline;
  while ((newline = memchr(child->line, '\n', child->line_len)) != NULL) {
    *newline = '\0';
    size_t taken = (size_t)(newline - child->line) + 1;
    char line[sizeof child->line];
    memcpy(line, child->line, taken);
    child->line_len -= taken;
    memmove(child->line, newline + 1, child->line_len);
    if (child->on_line)
      child->on_line(child, line);
  }
  if (child->line_len == sizeof child->line - 1)
    child->line_len = 0; /* an overlong line is not a reply: drop it */
}

static void on_read(uv_stream_t *stream, ssize_t nread, const uv_buf_t *buf) {
  (void)buf;
  struct bm_child *child = stream->data;
  if (nread < 0) {
    close_handle((uv_handle_t *)stream);
    return;
  }
  child->line_len += (size_t)nread;
  deliver_lines(child);
}

/* libuv maps a Win32 error without a POSIX twin to UV_UNKNOWN, and the
 * real one is what a user needs to see: GetLastError() still holds it. */
static struct bm_error spawn_error(int uv_code) {
#ifdef _WIN32
  if (uv_code == UV_UNKNOWN && GetLastError() != 0)
    return (struct bm_error){uv_code, (int)GetLastError()};
#endif
  return bm_error_from_uv(uv_code);
}

struct bm_error bm_child_spawn(uv_loop_t *loop, struct bm_child *child,
                               char **argv, const struct bm_other_user *user,
                               uv_file pass_fd, int quiet) {
  child->line_len = 0;
  child->open_handles = 0;
  child->process.data = child->to_child.data = child->from_child.data = child;
  uv_pipe_init(loop, &child->to_child, 0);
  uv_pipe_init(loop, &child->from_child, 0);
  child->open_handles = 2;

  uv_stdio_container_t stdio[4] = {
      {.flags = UV_CREATE_PIPE | UV_READABLE_PIPE,
       .data.stream = (uv_stream_t *)&child->to_child},
      {.flags = UV_CREATE_PIPE | UV_WRITABLE_PIPE,
       .data.stream = (uv_stream_t *)&child->from_child},
      {.flags = quiet ? UV_IGNORE : UV_INHERIT_FD, .data.fd = 2},
      {.flags = UV_INHERIT_FD, .data.fd = pass_fd},
  };
  uv_process_options_t options = {
      .exit_cb = on_process_exit,
      .file = argv[0],
      .args = argv,
      .stdio_count = pass_fd < 0 ? 3 : 4,
      .stdio = stdio,
      .flags = UV_PROCESS_WINDOWS_HIDE,
  };
  if (user) {
    options.flags |= UV_PROCESS_SETUID | UV_PROCESS_SETGID;
    options.uid = user->uid;
    options.gid = user->gid;
  }
  int err = uv_spawn(loop, &child->process, &options);
  if (err != 0) {
    struct bm_error why = spawn_error(err);
    /* A failed uv_spawn still initialised the process handle. */
    child->open_handles++;
    close_handle((uv_handle_t *)&child->process);
    close_handle((uv_handle_t *)&child->to_child);
    close_handle((uv_handle_t *)&child->from_child);
    return why;
  }
  child->open_handles++;
  err = uv_read_start((uv_stream_t *)&child->from_child, on_alloc, on_read);
  return err == 0 ? BM_OK : bm_error_from_uv(err);
}

/* A write and its line, freed once written: a reply may arrive before
 * libuv has reported the write that asked for it done. */
struct pending_write {
  uv_write_t req;
  char line[BM_LINE_MAX + 1];
};

static void on_written(uv_write_t *req, int status) {
  (void)status; /* a role that went away is seen by its exit */
  free(req->data);
}

int bm_child_send(struct bm_child *child, const char *line) {
  struct pending_write *w = malloc(sizeof *w);
  if (!w)
    return UV_ENOMEM;
  int n = snprintf(w->line, sizeof w->line, "%s\n", line);
  if (n < 0 || (size_t)n >= sizeof w->line) {
    free(w);
    return UV_E2BIG;
  }
  w->req.data = w;
  uv_buf_t buf = uv_buf_init(w->line, (unsigned)n);
  int err =
      uv_write(&w->req, (uv_stream_t *)&child->to_child, &buf, 1, on_written);
  if (err != 0)
    free(w);
  return err;
}

void bm_child_end(struct bm_child *child) {
  if (child->open_handles > 0)
    close_handle((uv_handle_t *)&child->to_child);
}

void bm_child_kill(struct bm_child *child) {
  if (child->open_handles > 0 && !uv_is_closing((uv_handle_t *)&child->process))
    uv_process_kill(&child->process, SIGKILL);
}

int bm_child_running(const struct bm_child *child) {
  return child->open_handles > 0;
}

size_t bm_path_folder_length(const char *path, size_t len) {
  while (len > 0 && path[len - 1] != '/' && path[len - 1] != '\\')
    len--;
  return len;
}

int bm_child_sibling_path(const char *name, char *buf, size_t size) {
  size_t len = size;
  int err = uv_exepath(buf, &len);
  if (err != 0)
    return err;
  len = bm_path_folder_length(buf, len);
#ifdef _WIN32
  const char *suffix = ".exe";
#else
  const char *suffix = "";
#endif
  int n = snprintf(buf + len, size - len, "%s%s", name, suffix);
  return n < 0 || (size_t)n >= size - len ? UV_ENAMETOOLONG : 0;
}
