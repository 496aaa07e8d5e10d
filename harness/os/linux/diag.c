#include "os/linux/diag.h"

#include <errno.h>
#include <string.h>
#include <sys/socket.h>

void bm_diag_request_init(struct bm_diag_request *r, int family, int protocol) {
  memset(r, 0, sizeof *r);
  r->nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  r->nlh.nlmsg_flags = NLM_F_REQUEST;
  r->req.sdiag_family = (unsigned char)family;
  r->req.sdiag_protocol = (unsigned char)protocol;
}

size_t bm_diag_dump_request(struct bm_diag_request *r, int family, int protocol,
                            unsigned states, int port) {
  bm_diag_request_init(r, family, protocol);
  r->nlh.nlmsg_flags |= NLM_F_DUMP;
  r->req.idiag_states = states;
  size_t len = offsetof(struct bm_diag_request, filter_attr);
  if (port != 0) {
    r->filter_attr.nla_len = sizeof r->filter_attr + sizeof r->filter;
    r->filter_attr.nla_type = INET_DIAG_REQ_BYTECODE;
    /* Jump to the end (accept) on a match, past it (reject) otherwise. */
    r->filter[0].code = INET_DIAG_BC_S_EQ;
    r->filter[0].yes = sizeof r->filter;
    r->filter[0].no = sizeof r->filter + 4;
    r->filter[1].no = (unsigned short)port;
    len = sizeof *r;
  }
  r->nlh.nlmsg_len = (unsigned)len;
  return len;
}

/* The messages of one buffer; 1 when the answer is complete. */
static int take(const char *buf, ssize_t len, bm_diag_each each, void *ctx,
                int *err) {
  for (const struct nlmsghdr *h = (const struct nlmsghdr *)buf;
       NLMSG_OK(h, (unsigned)len); h = NLMSG_NEXT(h, len)) {
    if (h->nlmsg_type == NLMSG_DONE)
      return 1;
    if (h->nlmsg_type == NLMSG_ERROR) {
      int error = -((const struct nlmsgerr *)NLMSG_DATA(h))->error;
      *err = error == ENOENT ? 0 : error;
      return 1;
    }
    each(h, NLMSG_DATA(h), ctx);
    if (!(h->nlmsg_flags & NLM_F_MULTI))
      return 1;
  }
  return 0;
}

int bm_diag_ask(int nl, const void *request, size_t len, bm_diag_each each,
                void *ctx) {
  if (send(nl, request, len, 0) != (ssize_t)len)
    return errno;
  int err = 0;
  for (int done = 0; !done;) {
    long buf[8192 / sizeof(long)]; /* aligned for nlmsghdr */
    ssize_t n = recv(nl, buf, sizeof buf, 0);
    if (n < 0)
      return errno;
    done = n == 0 || take((const char *)buf, n, each, ctx, &err);
  }
  return err;
}
