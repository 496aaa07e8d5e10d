/* Only for building libuv for macOS with Zig (tools/build-macos-deps.sh): Zig
 * 0.11's macOS headers lack <paths.h>, which libuv's src/unix/process.c
 * includes on
 * __APPLE__ (1.44: for _PATH_DEFPATH, the search path of a child whose
 * environment has no PATH). On the include path with -idirafter, so that a real
 * <paths.h> wins where there is one. The values are 4.4BSD's (paths.h 8.1, as
 * FreeBSD keeps them: freebsd/freebsd-src include/paths.h); here they only go
 * into object code that nothing runs. */
#define _PATH_BSHELL "/bin/sh"
#define _PATH_DEVNULL "/dev/null"
#define _PATH_DEFPATH "/usr/bin:/bin"
