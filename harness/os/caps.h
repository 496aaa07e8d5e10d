/* What this OS is and can do, from os/<os>/caps.h: the one place the
 * portable code learns which OS it was built for. */
#ifndef BM_OS_CAPS_H
#define BM_OS_CAPS_H

#if defined(_WIN32)
#include "os/windows/caps.h"
#elif defined(__APPLE__)
#include "os/darwin/caps.h"
#elif defined(__linux__)
#include "os/linux/caps.h"
#elif defined(__FreeBSD__)
#include "os/freebsd/caps.h"
#else
#error "bindmatrix has no OS layer for this system yet (harness/os/)"
#endif

#endif
