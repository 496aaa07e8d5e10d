#include "vocab/os.h"

#include "os/caps.h"

static const struct bm_os_family families[BM_OS_COUNT] = {
    [BM_OS_WINDOWS] = {"windows", "Windows"},
    [BM_OS_LINUX] = {"linux", "Linux"},
    [BM_OS_BSD] = {"bsd", "FreeBSD"},
    [BM_OS_DARWIN] = {"darwin", "macOS"},
};

const struct bm_table bm_os_table = BM_TABLE("OS family", families);

const struct bm_os_family *bm_os_family(enum bm_os os) { return &families[os]; }

enum bm_os bm_os_this(void) { return BM_CAPS_OS; }
