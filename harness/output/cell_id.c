/* Test ids that read like the table: tcp-ipv4-SO_REUSEADDR-TIME_WAIT. A
 * probe option that differs follows the listener's (default/SO_REUSEADDR);
 * addresses other than the blog's, another user and a scenario other than
 * bind are spelled out. An inherit cell names its spawn method and flag
 * instead of its state, which follows from them:
 * inherit-tcp-ipv4-uv_spawn-no-cloexec-default. */
#include "output/json.h"

#include <string.h>

/* The blog's addresses: cells there need no address in their id. */
static int plain_address(const struct bm_cell_key *k) {
  return k->listener == k->probe &&
         (strcmp(k->listener->name, "0.0.0.0") == 0 ||
          strcmp(k->listener->name, "[::]") == 0);
}

struct id_writer {
  char *buf;
  size_t size, used;
};

static void part(struct id_writer *w, const char *text) {
  if (w->used >= w->size)
    return;
  int n = snprintf(w->buf + w->used, w->size - w->used, "%s%s",
                   w->used ? "-" : "", text);
  if (n > 0)
    w->used += (size_t)n;
}

void bm_cell_id(const struct bm_cell_key *k, char *buf, size_t size) {
  struct id_writer w = {buf, size, 0};
  char options[160], address[96];
  buf[0] = '\0';
  snprintf(options, sizeof options, "%s%s%s", k->listener_option->name,
           k->probe_option == k->listener_option ? "" : "/",
           k->probe_option == k->listener_option ? "" : k->probe_option->name);
  snprintf(address, sizeof address, "%s/%s", k->listener->name, k->probe->name);
  if (k->scenario->id != BM_SCENARIO_BIND)
    part(&w, k->scenario->name);
  part(&w, bm_proto_name(k->proto));
  part(&w, bm_table_name(&bm_cell_family_table,
                         bm_cell_family(k->listener, k->probe)));
  if (k->scenario->inherits) {
    part(&w, k->spawn->name);
    if (k->cloexec >= 0) /* a runtime's listener: its own flag */
      part(&w, k->cloexec ? "cloexec" : "no-cloexec");
    part(&w, options);
  } else {
    part(&w, options);
    part(&w, k->state->name);
  }
  if (!plain_address(k))
    part(&w, address);
  if (k->user != BM_USER_SAME)
    part(&w, "other-user");
}
