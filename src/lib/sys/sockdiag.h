/*
 * -yy: what a socket is, asked of the kernel by its inode number through NETLINK_SOCK_DIAG, in
 * strace's words: "TCP:[127.0.0.1:80->127.0.0.1:41234]", "TCPv6:[[::1]:80]",
 * "UNIX-STREAM:[1234->1235,\"/run/x.sock\"]", "NETLINK:[ROUTE:4321]".
 */
#ifndef TK_SYS_SOCKDIAG_H
#define TK_SYS_SOCKDIAG_H
#include <stddef.h>

#include "lib/util/strbuf.h"

/*
 * Append the description of socket ino to sb. proto is the socket's protocol name as the kernel
 * gives it (the system.sockprotoname attribute of its descriptor: "TCP", "UDPv6", "UNIX", ...), or
 * NULL when unknown: then every family this knows is asked. 0, or -ENOENT when no family knows
 * the socket (an unbound one, or closed since), or another -errno from netlink.
 */
int tk_sockdiag_describe(struct strbuf *sb, unsigned long ino, const char *proto);

/*
 * One netlink reply (a run of messages) to a query for socket ino of the given kind: append its
 * description to sb when the reply holds it. 1 found, 0 not there and the reply is complete
 * (NLMSG_DONE, or an exact query's one answer), 2 not yet found and more is to come, -errno for
 * an error message or a malformed reply. Exposed for the fuzzer.
 */
enum tk_sockdiag_kind { TK_SD_UNIX, TK_SD_TCP4, TK_SD_TCP6, TK_SD_UDP4, TK_SD_UDP6, TK_SD_NETLINK, TK_SD_N };
int tk_sockdiag_reply(struct strbuf *sb, const void *buf, size_t len, unsigned long ino, enum tk_sockdiag_kind kind);

#endif
