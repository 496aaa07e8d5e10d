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

/* Rows by what makes the socket. */
#define SOCKOPTS(option, bits, share)                                          \
  {                                                                            \
    .name = option, .via = BM_VIA_SETSOCKOPT, .sockopts = bits,                \
    .shares = share                                                            \
  }
#define RUNTIME(option, program)                                               \
  { .name = option, .via = BM_VIA_RUNTIME, .runtime = program }

static const struct bm_option options[] = {
    SOCKOPTS("default", 0, 0),
    SOCKOPTS("SO_REUSEADDR", BM_SO_REUSEADDR, 0),
    SOCKOPTS("SO_REUSEPORT", BM_SO_REUSEPORT, 1),
    SOCKOPTS("SO_EXCLUSIVEADDRUSE", BM_SO_EXCLUSIVEADDRUSE, 0),
    SOCKOPTS("SO_REUSEADDR+SO_REUSEPORT", BM_SO_REUSEADDR | BM_SO_REUSEPORT, 1),
    SOCKOPTS("SO_REUSEPORT_LB", BM_SO_REUSEPORT_LB, 1),
    /* libuv sets SO_REUSEADDR on Unix (src/unix/tcp.c, uv__tcp_bind) and
     * nothing on Windows (src/win/tcp.c, the comment above
     * uv__tcp_try_bind: SO_REUSEADDR there would allow port stealing). */
    {.name = "uv_tcp_bind",
     .via = BM_VIA_LIBUV,
     .library_sets = {[BM_OS_WINDOWS] = 0,
                      [BM_OS_LINUX] = BM_SO_REUSEADDR,
                      [BM_OS_BSD] = BM_SO_REUSEADDR,
                      [BM_OS_DARWIN] = BM_SO_REUSEADDR}},
    /* The runtimes' own listeners (runtimes/README.md: the call each makes,
     * what it can and cannot express). */
    RUNTIME("go:net.Listen", "go"),
    RUNTIME("node:net.createServer", "node"),
    RUNTIME("python:asyncio", "python"),
    RUNTIME("python:http.server", "python"),
    RUNTIME("python:socketserver", "python"),
    RUNTIME("rust:std::net::TcpListener", "rust"),
    RUNTIME("java:ServerSocket", "java"),
    RUNTIME("java:ServerSocketChannel", "java"),
    RUNTIME("ruby:TCPServer", "ruby"),
    RUNTIME("perl:IO::Socket::IP", "perl"),
    RUNTIME("nginx:listen", "nginx"),
};

const struct bm_table bm_option_table = BM_TABLE("option", options);

static const struct {
  const char *name;
} vias[] = {[BM_VIA_SETSOCKOPT] = {"setsockopt"},
            [BM_VIA_LIBUV] = {"libuv"},
            [BM_VIA_RUNTIME] = {"runtime"}};

const struct bm_table bm_via_table = BM_TABLE("via", vias);

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
  if (option->via == BM_VIA_RUNTIME)
    return BM_NOT_ON_OS;
  if (option->via == BM_VIA_LIBUV)
    return option->library_sets[os];
  for (int i = 0; i < bm_sockopt_table.count; i++)
    if ((option->sockopts & sockopts[i].bit) && !(sockopts[i].os & ON(os)))
      return BM_NOT_ON_OS;
  return option->sockopts;
}
