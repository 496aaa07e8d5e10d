/* Linux: sock_diag witness, /proc, a child subreaper, socket filters. */
#ifndef BM_OS_LINUX_CAPS_H
#define BM_OS_LINUX_CAPS_H

#include "vocab/os.h"

#define BM_CAPS_OS BM_OS_LINUX

#endif
