/* A minimal TAP producer for the C unit tests: Meson reads the plan and
 * every "ok"/"not ok" line (protocol: 'tap'). */
#ifndef BM_TAP_H
#define BM_TAP_H

#include <stdio.h>
#include <string.h>

static int tap_count;
static int tap_failed;

static inline void tap_check_str(const char *what, const char *got,
                                 const char *want) {
  int ok = got && want ? strcmp(got, want) == 0 : got == want;
  tap_count++;
  tap_failed += !ok;
  printf("%s %d - %s", ok ? "ok" : "not ok", tap_count, what);
  if (!ok)
    printf(" # got '%s', want '%s'", got ? got : "(null)",
           want ? want : "(null)");
  putchar('\n');
}

static inline void tap_check_int(const char *what, long got, long want) {
  tap_count++;
  tap_failed += got != want;
  printf("%s %d - %s", got == want ? "ok" : "not ok", tap_count, what);
  if (got != want)
    printf(" # got %ld, want %ld", got, want);
  putchar('\n');
}

static inline int tap_done(void) {
  printf("1..%d\n", tap_count);
  return tap_failed != 0;
}

#endif
