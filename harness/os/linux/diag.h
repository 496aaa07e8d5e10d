/* Asking Linux's sock_diag (NETLINK_SOCK_DIAG): the request every Linux
 * half that asks it builds, and the loop that reads the answer, shared by
 * the witness (os/linux/witness.c), what a listener carries
 * (os/linux/sockinfo.c) and the port listing (os/linux/port_listing.c). */
#ifndef BM_OS_LINUX_DIAG_H
#define BM_OS_LINUX_DIAG_H

#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <stddef.h>

struct bm_diag_request {
  struct nlmsghdr nlh;
  struct inet_diag_req_v2 req;
  struct nlattr filter_attr;
  struct inet_diag_bc_op filter[2]; /* "source port == P", then P */
};

/* A request about `protocol` (IPPROTO_TCP, IPPROTO_UDP) sockets of
 * `family` (AF_INET, AF_INET6), nothing else set: an exact lookup fills in
 * its id and length itself. */
void bm_diag_request_init(struct bm_diag_request *r, int family, int protocol);

/* A dump of the sockets in `states` (a bit per kernel state); port != 0:
 * only those with that local port, filtered in the kernel. Returns the
 * request's length. */
size_t bm_diag_dump_request(struct bm_diag_request *r, int family, int protocol,
                            unsigned states, int port);

typedef void (*bm_diag_each)(const struct nlmsghdr *h,
                             const struct inet_diag_msg *m, void *ctx);

/* Sends the request on `nl` and hands each socket of the answer to each().
 * The answer ends at NLMSG_DONE, at an error, or after a reply that is not
 * part of a dump (an exact lookup's). Returns 0 or an errno; ENOENT, a
 * lookup that found nothing, is 0. */
int bm_diag_ask(int nl, const void *request, size_t len, bm_diag_each each,
                void *ctx);

#endif
