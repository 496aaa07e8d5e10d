/* What this platform is, for the result file's "platform" block. */
#ifndef BM_OUTPUT_PLATFORM_H
#define BM_OUTPUT_PLATFORM_H

struct bm_platform {
  const char *family; /* linux, windows, bsd, darwin */
  char os[256];
  char release[256];
  char arch[256];
  char id[400];       /* results/<id>.json, e.g. linux-6.18-x86_64 */
  char emulation[64]; /* "" when native */
};

/* Returns 0 or a libuv error. */
int bm_platform_read(struct bm_platform *p);

#endif
