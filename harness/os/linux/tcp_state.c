#include "os/linux/tcp_state.h"

#include <netinet/tcp.h> /* TCP_ESTABLISHED..., the kernel's state numbers */

int bm_linux_tcp_state(int kernel_state, enum bm_sock_state *out) {
  static const enum bm_sock_state map[] = {
      [TCP_ESTABLISHED] = BM_TCP_ESTABLISHED,
      [TCP_SYN_SENT] = BM_TCP_SYN_SENT,
      [TCP_SYN_RECV] = BM_TCP_SYN_RECV,
      [TCP_FIN_WAIT1] = BM_TCP_FIN_WAIT_1,
      [TCP_FIN_WAIT2] = BM_TCP_FIN_WAIT_2,
      [TCP_TIME_WAIT] = BM_TCP_TIME_WAIT,
      [TCP_CLOSE_WAIT] = BM_TCP_CLOSE_WAIT,
      [TCP_LAST_ACK] = BM_TCP_LAST_ACK,
      [TCP_LISTEN] = BM_TCP_LISTEN,
      [TCP_CLOSING] = BM_TCP_CLOSING,
  };
  if (kernel_state == TCP_CLOSE) {
    *out = BM_TCP_BOUND; /* in a dump of the port: bound, nothing more */
    return 0;
  }
  if (kernel_state <= 0 || kernel_state >= (int)(sizeof map / sizeof map[0]))
    return -1;
  *out = map[kernel_state];
  return 0;
}
