/* macOS: netstat witness, libproc, no subreaper. */
#ifndef BM_OS_DARWIN_CAPS_H
#define BM_OS_DARWIN_CAPS_H

#include "vocab/os.h"

#define BM_CAPS_OS BM_OS_DARWIN

#endif
