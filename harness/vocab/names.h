/* The small dimensions of a cell: the protocol, whose user the probe runs
 * as, and the inherit scenario's close-on-exec flag. */
#ifndef BM_VOCAB_NAMES_H
#define BM_VOCAB_NAMES_H

#include "vocab/table.h"

enum bm_proto { BM_TCP, BM_UDP, BM_PROTO_COUNT };
enum bm_user { BM_USER_SAME, BM_USER_OTHER, BM_USER_COUNT };

struct bm_named {
  const char *name;
  const char *summary;
};

extern const struct bm_table bm_proto_table;
extern const struct bm_table bm_user_table;
/* "false", "true": the cloexec field's values, a leaking listener first. */
extern const struct bm_table bm_cloexec_table;

const char *bm_proto_name(enum bm_proto proto);
const char *bm_user_name(enum bm_user user);

#endif
