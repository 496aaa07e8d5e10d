#include "os/witness.h"

#include <stdio.h>
#include <string.h>

static const char *const state_names[BM_SOCK_STATE_COUNT] = {
    [BM_TCP_BOUND] = "BOUND",
    [BM_TCP_LISTEN] = "LISTEN",
    [BM_TCP_SYN_SENT] = "SYN_SENT",
    [BM_TCP_SYN_RECV] = "SYN_RECV",
    [BM_TCP_ESTABLISHED] = "ESTABLISHED",
    [BM_TCP_FIN_WAIT_1] = "FIN_WAIT_1",
    [BM_TCP_FIN_WAIT_2] = "FIN_WAIT_2",
    [BM_TCP_CLOSE_WAIT] = "CLOSE_WAIT",
    [BM_TCP_CLOSING] = "CLOSING",
    [BM_TCP_LAST_ACK] = "LAST_ACK",
    [BM_TCP_TIME_WAIT] = "TIME_WAIT",
    [BM_UDP_BOUND] = "BOUND",
};

/* The blog's ESTABLISHED has the listener still open; a restarting server
 * also meets the connection alone, which gets its own name. */
static const struct {
  const char *observed;
  const char *scenario_name;
} renames[] = {
    {"LISTEN+ESTABLISHED", "ESTABLISHED"},
    {"ESTABLISHED", "ESTABLISHED_NO_LISTENER"},
};

void bm_witness_name(const struct bm_witness *w, char *buf, size_t size) {
  size_t used = 0;
  buf[0] = '\0';
  for (int s = 0; s < BM_SOCK_STATE_COUNT; s++) {
    if (w->count[s] == 0)
      continue;
    int n = snprintf(buf + used, size - used, "%s%s", used ? "+" : "",
                     state_names[s]);
    if (n < 0 || (size_t)n >= size - used)
      break;
    used += (size_t)n;
  }
  if (used == 0)
    snprintf(buf, size, "CLOSED");
  for (size_t i = 0; i < sizeof renames / sizeof renames[0]; i++)
    if (strcmp(buf, renames[i].observed) == 0) {
      snprintf(buf, size, "%s", renames[i].scenario_name);
      break;
    }
}

struct bm_error bm_witness_read(const struct bm_witness_query *q,
                                struct bm_witness *w) {
  return bm_witness_read_all(q, w, 1);
}

int bm_witness_sees_bound(enum bm_proto proto) {
  struct bm_witness_query q = {.proto = proto,
                               .server = {bm_endpoint_find("127.0.0.1"), 0}};
  bm_socket s;
  if (bm_sock_open(proto, q.server.def, &s).code != 0)
    return 0;
  struct bm_witness w;
  int seen = bm_sock_bind(s, &q.server).code == 0 &&
             bm_sock_local_port(s, &q.server.port).code == 0 &&
             bm_witness_read(&q, &w).code == 0 &&
             w.count[proto == BM_TCP ? BM_TCP_BOUND : BM_UDP_BOUND] == 1;
  bm_sock_close(s);
  return seen;
}
