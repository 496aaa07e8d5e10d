/* bm_holder_read on Unix: the descriptor table is read (bm_holder_scan)
 * only while the process runs, since a zombie's descriptors are closed, and
 * a process that ended meanwhile is reported as ended, not as holding
 * nothing. */
#include "os/unix/holder.h"
#include "os/unix/process.h"

static int read_alive(uv_pid_t pid, int *alive) {
  struct bm_process p;
  int err = bm_process_read(pid, &p);
  *alive = err == 0 && p.exists && !p.zombie;
  return err;
}

static int read_holding(const struct bm_holder_query *q,
                        struct bm_holding *out) {
  out->listener = out->loop = BM_HOLDS_UNKNOWN;
  int err = read_alive(q->pid, &out->alive);
  if (err != 0 || !out->alive)
    return err;
  err = bm_holder_scan(q, out);
  int again = read_alive(q->pid, &out->alive);
  if (!out->alive) {
    out->listener = out->loop = BM_HOLDS_UNKNOWN;
    return again;
  }
  return err;
}

struct bm_error bm_holder_read(const struct bm_holder_query *q,
                               struct bm_holding *out) {
  return bm_error_from_os(read_holding(q, out));
}
