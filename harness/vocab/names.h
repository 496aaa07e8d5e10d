/* The small dimensions of a cell: the protocol, whose user the probe runs
 * as, and the inherit scenario's close-on-exec flag; and the kinds of
 * socket the witness tells apart (a cell's witnessed_kind). */
#ifndef BM_VOCAB_NAMES_H
#define BM_VOCAB_NAMES_H

#include "vocab/table.h"

enum bm_proto { BM_TCP, BM_UDP, BM_PROTO_COUNT };
enum bm_user { BM_USER_SAME, BM_USER_OTHER, BM_USER_COUNT };

/* Which kind of socket holds the sequence's connection, where the OS says:
 * a full socket (with its owner), or a time-wait mini-socket (Linux: what
 * an orphaned FIN_WAIT_2 or a TIME_WAIT becomes; it has no owner, so that
 * another user's bind does not meet one). 0: the OS does not say. */
enum bm_sock_kind { BM_SOCK_KIND_UNKNOWN, BM_SOCK_FULL, BM_SOCK_TIMEWAIT };

struct bm_named {
  const char *name;
  const char *summary;
};

extern const struct bm_table bm_proto_table;
extern const struct bm_table bm_user_table;
/* "false", "true": the cloexec field's values, a leaking listener first. */
extern const struct bm_table bm_cloexec_table;
/* "full", "timewait": rows for BM_SOCK_FULL and on. */
extern const struct bm_table bm_sock_kind_table;

const char *bm_proto_name(enum bm_proto proto);
const char *bm_user_name(enum bm_user user);
/* NULL for BM_SOCK_KIND_UNKNOWN. */
const char *bm_sock_kind_name(enum bm_sock_kind kind);

#endif
