#ifndef NEIGHSYNC_CNETLINK_SHIM_H
#define NEIGHSYNC_CNETLINK_SHIM_H
#include <netinet/in.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <linux/neighbour.h>
#include <malloc.h>
#include <linux/if_link.h>
#include <linux/ipv6.h>
#include <sys/socket.h>
#include <stdint.h>
#include <time.h>

/* Macros and GNU-only declarations Swift cannot import, as static inline functions. */

/* setns(2) is declared only under _GNU_SOURCE; declare it here and pin the namespace type to CLONE_NEWNET. */
extern int setns(int fd, int nstype);
static inline int neighsync_setns_net(int fd) { return setns(fd, 0x40000000 /* CLONE_NEWNET */); }

/* NLMSG_ALIGN / NLMSG_HDRLEN / NLA_ALIGN / NDA_RTA / IFLA_RTA. */
static inline uint32_t neighsync_nlmsg_align(uint32_t len) { return NLMSG_ALIGN(len); }
static inline uint32_t neighsync_nlmsg_hdrlen(void) { return NLMSG_HDRLEN; }
static inline uint32_t neighsync_nla_align(uint32_t len) { return NLA_ALIGN(len); }
static inline uint32_t neighsync_nda_offset(void) { return NLMSG_ALIGN(sizeof(struct ndmsg)); }
static inline uint32_t neighsync_ifla_offset(void) { return NLMSG_ALIGN(sizeof(struct ifinfomsg)); }

/* recvmmsg(2) is GNU-only too: read up to `count` datagrams of `size` bytes each into consecutive slots of
   `buf`, storing each datagram's length in `lens`. Returns the number of datagrams read or -1 with errno. */
struct mmsghdr;
extern int recvmmsg(int fd, struct mmsghdr *vmessages, unsigned int vlen, int flags, struct timespec *tmo);
struct neighsync_mmsghdr { struct msghdr msg_hdr; unsigned int msg_len; };
static inline int neighsync_recv_many(int fd, void *buf, size_t size, unsigned int count, uint32_t *lens,
                                      int flags) {
    struct neighsync_mmsghdr msgs[64];
    struct iovec iov[64];
    if (count > 64) count = 64;
    for (unsigned int i = 0; i < count; i++) {
        iov[i].iov_base = (char *)buf + (size_t)i * size;
        iov[i].iov_len = size;
        msgs[i].msg_hdr = (struct msghdr){ .msg_iov = &iov[i], .msg_iovlen = 1 };
        msgs[i].msg_len = 0;
    }
    int n = recvmmsg(fd, (struct mmsghdr *)msgs, count, flags, 0);
    for (int i = 0; i < n; i++) lens[i] = msgs[i].msg_len;
    return n;
}
/* A fixed mmap threshold: large blocks go back to the kernel when freed (see IpNet's Allocator). */
static inline int neighsync_fixed_mmap_threshold(int bytes) { return mallopt(M_MMAP_THRESHOLD, bytes); }

#endif
