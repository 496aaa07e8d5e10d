/* The OS families a result file can come from, in the order every output
 * shows them. Which one this build is comes from os/caps.h. */
#ifndef BM_VOCAB_OS_H
#define BM_VOCAB_OS_H

#include "vocab/table.h"

enum bm_os { BM_OS_WINDOWS, BM_OS_LINUX, BM_OS_BSD, BM_OS_DARWIN, BM_OS_COUNT };

struct bm_os_family {
  const char *name;  /* as in a result file's platform.family */
  const char *label; /* as people call it */
};

extern const struct bm_table bm_os_table;
const struct bm_os_family *bm_os_family(enum bm_os os);

/* The family this harness was built for. */
enum bm_os bm_os_this(void);

#endif
