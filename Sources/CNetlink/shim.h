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

/* AF_PACKET probes for `neighsync verify` (packet(7)): the one C layer of the raw sockets. */
#include <linux/if_packet.h>
#include <linux/filter.h>
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

/* Opens a raw packet socket for `ethertype` frames (ETH_P_ARP or ETH_P_IPV6) of interface `ifindex` only: created
   with protocol 0 (it receives nothing yet), given a classic BPF filter that keeps only ARP replies (op 2) or
   ICMPv6 neighbor advertisements (next header 58, type 136, no extension header), then bound to (ethertype,
   ifindex), so no frame of another interface or kind is ever queued. Writes the interface's own hardware address
   (from getsockname) to `mac` (up to 8 bytes) and its length to `mac_len`. Returns the descriptor or -errno. */
static inline int neighsync_packet_open(int ifindex, uint16_t ethertype, uint8_t *mac, int *mac_len) {
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (fd < 0) return -errno;
    struct sock_filter arp[] = {
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x0806, 0, 3),
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 20), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 2, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 0xffff), BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_filter na[] = {
        BPF_STMT(BPF_LD | BPF_H | BPF_ABS, 12), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x86dd, 0, 5),
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 20), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 58, 0, 3),
        BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 54), BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 136, 0, 1),
        BPF_STMT(BPF_RET | BPF_K, 0xffff), BPF_STMT(BPF_RET | BPF_K, 0),
    };
    struct sock_fprog prog;
    if (ethertype == 0x0806) { prog.len = sizeof arp / sizeof arp[0]; prog.filter = arp; }
    else { prog.len = sizeof na / sizeof na[0]; prog.filter = na; }
    if (setsockopt(fd, SOL_SOCKET, SO_ATTACH_FILTER, &prog, sizeof prog) != 0) {
        int e = errno; close(fd); return -e;
    }
    int one = 1;
    if (setsockopt(fd, SOL_PACKET, PACKET_AUXDATA, &one, sizeof one) != 0) { int e = errno; close(fd); return -e; }
    struct sockaddr_ll sll;
    memset(&sll, 0, sizeof sll);
    sll.sll_family = AF_PACKET;
    sll.sll_protocol = htons(ethertype);
    sll.sll_ifindex = ifindex;
    if (bind(fd, (struct sockaddr *)&sll, sizeof sll) != 0) { int e = errno; close(fd); return -e; }
    struct sockaddr_ll me;
    socklen_t len = sizeof me;
    memset(&me, 0, sizeof me);
    if (getsockname(fd, (struct sockaddr *)&me, &len) != 0) { int e = errno; close(fd); return -e; }
    int n = me.sll_halen > 8 ? 8 : me.sll_halen;
    memcpy(mac, me.sll_addr, (size_t)n);
    *mac_len = n;
    return fd;
}

/* Sends one whole Ethernet frame (header included) out of `ifindex`. Returns the bytes sent or -errno. */
static inline long neighsync_packet_send(int fd, int ifindex, uint16_t ethertype, const void *frame, size_t len) {
    struct sockaddr_ll to;
    memset(&to, 0, sizeof to);
    to.sll_family = AF_PACKET;
    to.sll_protocol = htons(ethertype);
    to.sll_ifindex = ifindex;
    to.sll_halen = 6;
    memcpy(to.sll_addr, frame, 6);
    long n = (long)sendto(fd, frame, len, 0, (struct sockaddr *)&to, sizeof to);
    return n < 0 ? -errno : n;
}

/* Reads one frame without blocking; frames this host sent (PACKET_OUTGOING) are reported with length 0. Writes
   the packet type the kernel gave the frame (`sll_pkttype`: PACKET_HOST, PACKET_BROADCAST, PACKET_MULTICAST,
   PACKET_OTHERHOST) to `pkttype`, and 1 to `vlan_tagged` when the frame carried an 802.1Q/802.1ad tag the kernel
   moved out of the data (PACKET_AUXDATA: TP_STATUS_VLAN_VALID or a non-zero tp_vlan_tci), else 0.
   Returns the frame length, 0 for a skipped frame, or -errno (-EAGAIN when nothing is queued). */
static inline long neighsync_packet_receive(int fd, void *buf, size_t size, int *pkttype, int *vlan_tagged) {
    struct sockaddr_ll from;
    memset(&from, 0, sizeof from);
    struct iovec iov = { .iov_base = buf, .iov_len = size };
    union { struct cmsghdr align; char bytes[CMSG_SPACE(sizeof(struct tpacket_auxdata))]; } control;
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_name = &from;
    msg.msg_namelen = sizeof from;
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.bytes;
    msg.msg_controllen = sizeof control.bytes;
    long n = (long)recvmsg(fd, &msg, MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0) return -errno;
    *pkttype = from.sll_pkttype;
    *vlan_tagged = 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level != SOL_PACKET || c->cmsg_type != PACKET_AUXDATA) continue;
        struct tpacket_auxdata aux;
        memcpy(&aux, CMSG_DATA(c), sizeof aux);
        if ((aux.tp_status & TP_STATUS_VLAN_VALID) || aux.tp_vlan_tci != 0) *vlan_tagged = 1;
    }
    if (from.sll_pkttype == PACKET_OUTGOING || (size_t)n > size) return 0;
    return n;
}

#endif
