/* Windows: Winsock, IP Helper, CreateProcess. */
#ifndef BM_OS_WINDOWS_CAPS_H
#define BM_OS_WINDOWS_CAPS_H

#include "vocab/os.h"

#define BM_CAPS_OS BM_OS_WINDOWS

#endif
