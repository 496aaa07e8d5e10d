#include "vocab/options.h"

#define ON(os) (1u << (os))
#define EVERY_OS                                                               \
  (ON(BM_OS_WINDOWS) | ON(BM_OS_LINUX) | ON(BM_OS_BSD) | ON(BM_OS_DARWIN))
#define UNIX (ON(BM_OS_LINUX) | ON(BM_OS_BSD) | ON(BM_OS_DARWIN))

/* Which OS has which: Winsock has SO_EXCLUSIVEADDRUSE and no SO_REUSEPORT;
 * SO_REUSEPORT_LB is FreeBSD 12's. The socket layer (os/<os>/sock.c) sets
 * what its headers define and says "unsupported" otherwise; the unit test
 * checks this table against that answer on the OS it runs on. */
static const struct bm_sockopt_row sockopts[] = {
    {"SO_REUSEADDR", BM_SO_REUSEADDR, EVERY_OS},
    {"SO_REUSEPORT", BM_SO_REUSEPORT, UNIX},
    {"SO_EXCLUSIVEADDRUSE", BM_SO_EXCLUSIVEADDRUSE, ON(BM_OS_WINDOWS)},
    {"SO_REUSEPORT_LB", BM_SO_REUSEPORT_LB, ON(BM_OS_BSD)},
};

const struct bm_table bm_sockopt_table = BM_TABLE("socket option", sockopts);

#define SET(bits)                                                              \
  BM_VIA_SETSOCKOPT, (bits), { 0 }

static const struct bm_option options[] = {
    {"default", SET(0), 0},
    {"SO_REUSEADDR", SET(BM_SO_REUSEADDR), 0},
    {"SO_REUSEPORT", SET(BM_SO_REUSEPORT), 1},
    {"SO_EXCLUSIVEADDRUSE", SET(BM_SO_EXCLUSIVEADDRUSE), 0},
    {"SO_REUSEADDR+SO_REUSEPORT", SET(BM_SO_REUSEADDR | BM_SO_REUSEPORT), 1},
    {"SO_REUSEPORT_LB", SET(BM_SO_REUSEPORT_LB), 1},
    /* libuv sets SO_REUSEADDR on Unix (src/unix/tcp.c, uv__tcp_bind) and
     * nothing on Windows (src/win/tcp.c, the comment above
     * uv__tcp_try_bind: SO_REUSEADDR there would allow port stealing). */
    {"uv_tcp_bind",
     BM_VIA_LIBUV,
     0,
     {[BM_OS_WINDOWS] = 0,
      [BM_OS_LINUX] = BM_SO_REUSEADDR,
      [BM_OS_BSD] = BM_SO_REUSEADDR,
      [BM_OS_DARWIN] = BM_SO_REUSEADDR},
     0},
};

const struct bm_table bm_option_table = BM_TABLE("option", options);

const struct bm_option *bm_option_at(int i) {
  return i >= 0 && i < bm_option_table.count ? &options[i] : NULL;
}

const struct bm_option *bm_option_find(const char *name) {
  return bm_option_at(bm_table_find(&bm_option_table, name));
}

int bm_option_index(const struct bm_option *option) {
  return (int)(option - options);
}

unsigned bm_option_sets(const struct bm_option *option, enum bm_os os) {
  if (option->via == BM_VIA_LIBUV)
    return option->library_sets[os];
  for (int i = 0; i < bm_sockopt_table.count; i++)
    if ((option->sockopts & sockopts[i].bit) && !(sockopts[i].os & ON(os)))
      return BM_NOT_ON_OS;
  return option->sockopts;
}
