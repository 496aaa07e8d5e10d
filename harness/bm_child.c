#include "bm_child.h"

#include <stdio.h>
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
static void on_exit(uv_process_t *process, int64_t status, int signal) {
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

int bm_child_spawn(uv_loop_t *loop, struct bm_child *child, char **argv,
                   const struct bm_child_user *user, uv_file pass_fd) {
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
      {.flags = UV_INHERIT_FD, .data.fd = 2},
      {.flags = UV_INHERIT_FD, .data.fd = pass_fd},
  };
  uv_process_options_t options = {
      .exit_cb = on_exit,
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
    /* A failed uv_spawn still initialised the process handle. */
    child->open_handles++;
    close_handle((uv_handle_t *)&child->process);
    close_handle((uv_handle_t *)&child->to_child);
    close_handle((uv_handle_t *)&child->from_child);
    return err;
  }
  child->open_handles++;
  return uv_read_start((uv_stream_t *)&child->from_child, on_alloc, on_read);
}

int bm_child_send(struct bm_child *child, const char *command) {
  uv_buf_t bufs[2] = {uv_buf_init((char *)command, (unsigned)strlen(command)),
                      uv_buf_init("\n", 1)};
  return uv_write(&child->write_req, (uv_stream_t *)&child->to_child, bufs, 2,
                  NULL);
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

int bm_child_sibling_path(const char *name, char *buf, size_t size) {
  size_t len = size;
  int err = uv_exepath(buf, &len);
  if (err != 0)
    return err;
  while (len > 0 && buf[len - 1] != '/' && buf[len - 1] != '\\')
    len--;
#ifdef _WIN32
  const char *suffix = ".exe";
#else
  const char *suffix = "";
#endif
  int n = snprintf(buf + len, size - len, "%s%s", name, suffix);
  return n < 0 || (size_t)n >= size - len ? UV_ENAMETOOLONG : 0;
}
