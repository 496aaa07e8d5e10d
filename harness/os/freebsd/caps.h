/* FreeBSD 12 and later: pcblist sysctls, kern.proc, procctl(2). */
#ifndef BM_OS_FREEBSD_CAPS_H
#define BM_OS_FREEBSD_CAPS_H

#include "vocab/os.h"

#define BM_CAPS_OS BM_OS_BSD

#endif
