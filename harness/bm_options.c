#include "bm_options.h"

#include <stddef.h>
#include <string.h>

static const struct bm_option options[] = {
    {"default", 0, 0},
    {"SO_REUSEADDR", BM_SO_REUSEADDR, 0},
    {"SO_REUSEPORT", BM_SO_REUSEPORT, 0},
    {"SO_EXCLUSIVEADDRUSE", BM_SO_EXCLUSIVEADDRUSE, 0},
    {"SO_REUSEADDR+SO_REUSEPORT", BM_SO_REUSEADDR | BM_SO_REUSEPORT, 0},
    {"SO_REUSEPORT_LB", BM_SO_REUSEPORT_LB, 0},
    {"uv_tcp_bind", 0, 1},
};

#define OPTION_COUNT ((int)(sizeof options / sizeof options[0]))

const struct bm_option *bm_option_find(const char *name) {
  for (int i = 0; i < OPTION_COUNT; i++)
    if (strcmp(options[i].name, name) == 0)
      return &options[i];
  return NULL;
}

const struct bm_option *bm_option_at(int i) {
  return i >= 0 && i < OPTION_COUNT ? &options[i] : NULL;
}
