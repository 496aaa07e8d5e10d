/* What a listening (TCP) or bound (UDP) socket of another process carries,
 * read from outside that process: the one mechanism for every listener,
 * whatever program or runtime made it, so that a runtime's socket is
 * described by what the OS says it is, not by what its role claims. */
#ifndef BM_OS_SOCKINFO_H
#define BM_OS_SOCKINFO_H

struct bm_sockinfo {
  int family; /* 4 or 6; 0 unknown */
  /* 1 on, 0 off, -1 unknown or not applicable (IPV6_V6ONLY of an IPv4
   * socket) */
  int reuseaddr, reuseport, v6only, cloexec;
};

/* Finds the socket on local port `port` (TCP: listening) that process
 * `pid` holds, or, when it holds none, one of its children (a server such
 * as nginx listens in its workers too), and reads its options. Returns 0,
 * ENOENT when neither holds one, or the errno of the step that failed
 * (EPERM: not allowed to look into that process). */
int bm_sockinfo_read(int pid, int proto_is_tcp, int port,
                     struct bm_sockinfo *out);

#endif
