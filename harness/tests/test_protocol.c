/* The role protocol both ends speak: every request and reply written by
 * one end reads back the same at the other, and what is not a request or a
 * reply is refused. */
#include "role/protocol.h"
#include "tap.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static void test_requests_round_trip(void) {
  static const char *const lines[] = {
      "server tcp 0.0.0.0 SO_REUSEADDR 5000",
      "bind tcp [::]dual default 5000",
      "probe udp [::ffff:0.0.0.0] SO_REUSEADDR+SO_REUSEPORT 65535",
      "client [::1] 5000 32",
      "inherit tcp 0.0.0.0 uv_tcp_bind 5000 false CreateProcess-inherit",
      "accept",
      "count",
      "close-conn",
      "close-listener",
      "close",
      "shutdown",
      "block-input",
      "quickack",
      "reset",
  };
  for (size_t i = 0; i < COUNT(lines); i++) {
    struct bm_request_line r;
    const char *why = NULL;
    char back[BM_LINE_MAX];
    tap_check_int(lines[i], bm_request_parse(lines[i], &r, &why), 0);
    bm_request_format(&r, back, sizeof back);
    tap_check_str("it is written back the same", back, lines[i]);
  }
}

static void test_bad_requests(void) {
  static const struct {
    const char *line, *why;
  } cases[] = {
      {"", "unknown request"},
      {"listen-twice", "unknown request"},
      {"server tcp 0.0.0.0 SO_REUSEADDR", "wrong number of words"},
      {"server sctp 0.0.0.0 default 5000", "unknown protocol"},
      {"server tcp 0.0.0.1 default 5000", "unknown endpoint"},
      {"server tcp 0.0.0.0 so_reuseaddr 5000", "unknown option"},
      {"server tcp 0.0.0.0 default 65536", "bad port"},
      {"client 127.0.0.1 5000 65", "bad count"},
      {"inherit tcp 0.0.0.0 default 5000 maybe uv_spawn",
       "bad close-on-exec flag or spawn method"},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    struct bm_request_line r;
    const char *why = NULL;
    tap_check_int(cases[i].line, bm_request_parse(cases[i].line, &r, &why), -1);
    tap_check_str(cases[i].line, why, cases[i].why);
  }
}

static void test_replies(void) {
  static const struct {
    const char *line;
    int parses, ok;
    const char *stage, *error;
    int os_error;
  } cases[] = {
      {"ok 5000", 1, 1, NULL, NULL, 0},
      {"ok 5000 1234 7 99", 1, 1, NULL, NULL, 0},
      {"fail bind EADDRINUSE 98", 1, 0, "bind", "EADDRINUSE", 98},
      {"fail bind EADDRINUSE -", 1, 0, "bind", "EADDRINUSE", BM_NO_OS_ERROR},
      {"fail setsockopt unsupported -", 1, 0, "setsockopt", "unsupported",
       BM_NO_OS_ERROR},
      {"fail command unsupported -", 1, 0, "command", "unsupported",
       BM_NO_OS_ERROR},
      {"fail bind - -", 0, 0, NULL, NULL, 0},  /* no error at all */
      {"fail bind ok 0", 0, 0, NULL, NULL, 0}, /* a failure that is not */
      {"fail teleport EADDRINUSE 98", 0, 0, NULL, NULL, 0},
      {"ok five", 0, 0, NULL, NULL, 0},
      {"hello", 0, 0, NULL, NULL, 0},
  };
  for (size_t i = 0; i < COUNT(cases); i++) {
    struct bm_reply r;
    int parses = bm_reply_parse(cases[i].line, &r) == 0;
    tap_check_int(cases[i].line, parses, cases[i].parses);
    if (!parses || cases[i].ok) {
      if (parses)
        tap_check_int(cases[i].line, r.ok, 1);
      continue;
    }
    tap_check_str(cases[i].line, bm_stage_name(r.status.stage), cases[i].stage);
    tap_check_str(cases[i].line, bm_error_name(r.status.error.code),
                  cases[i].error);
    tap_check_int(cases[i].line, r.status.error.os_error, cases[i].os_error);
    char back[BM_LINE_MAX];
    bm_reply_format(&r, 0, back, sizeof back);
    tap_check_str("the failure is written back the same", back, cases[i].line);
  }
}

int main(void) {
  test_requests_round_trip();
  test_bad_requests();
  test_replies();
  return tap_done();
}
