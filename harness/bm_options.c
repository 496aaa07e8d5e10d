#include "bm_options.h"

#include <stddef.h>
#include <string.h>

static const struct bm_option options[] = {
    {"default", 0},
    {"SO_REUSEADDR", BM_SO_REUSEADDR},
    {"SO_REUSEPORT", BM_SO_REUSEPORT},
    {"SO_EXCLUSIVEADDRUSE", BM_SO_EXCLUSIVEADDRUSE},
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

const char *bm_sockopt_name(enum bm_sockopt opt) {
  switch (opt) {
  case BM_SO_REUSEADDR:
    return "SO_REUSEADDR";
  case BM_SO_REUSEPORT:
    return "SO_REUSEPORT";
  case BM_SO_EXCLUSIVEADDRUSE:
    return "SO_EXCLUSIVEADDRUSE";
  }
  return "?";
}
