#ifndef NEIGHSYNC_CNETLINK_SHIM_H
#define NEIGHSYNC_CNETLINK_SHIM_H
#include <netinet/in.h>
#include <net/if.h>
#include <libmnl/libmnl.h>
#include <linux/rtnetlink.h>
#include <linux/neighbour.h>
#endif
