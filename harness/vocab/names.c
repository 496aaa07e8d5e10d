#include "vocab/names.h"

static const struct bm_named protos[BM_PROTO_COUNT] = {
    [BM_TCP] = {"tcp", "TCP"},
    [BM_UDP] = {"udp", "UDP"},
};

static const struct bm_named users[BM_USER_COUNT] = {
    [BM_USER_SAME] = {"same", "the harness's own user"},
    [BM_USER_OTHER] = {"other",
                       "another user (nobody, when the harness runs as root)"},
};

static const struct bm_named cloexecs[] = {
    {"false", "the listener passes to children"},
    {"true", "the listener is close-on-exec (Windows: not inheritable)"},
};

static const struct bm_named sock_kinds[] = {
    {"full", "a full socket, with its owner"},
    {"timewait", "a time-wait mini-socket: no owner, no descriptor"},
};

const struct bm_table bm_proto_table = BM_TABLE("proto", protos);
const struct bm_table bm_user_table = BM_TABLE("user", users);
const struct bm_table bm_cloexec_table = BM_TABLE("cloexec value", cloexecs);
const struct bm_table bm_sock_kind_table = BM_TABLE("socket kind", sock_kinds);

const char *bm_proto_name(enum bm_proto proto) { return protos[proto].name; }
const char *bm_user_name(enum bm_user user) { return users[user].name; }

const char *bm_sock_kind_name(enum bm_sock_kind kind) {
  return kind == BM_SOCK_KIND_UNKNOWN ? NULL : sock_kinds[kind - 1].name;
}
