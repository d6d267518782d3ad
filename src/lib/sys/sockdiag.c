/*
 * -yy's socket descriptions through NETLINK_SOCK_DIAG (see sockdiag.h). Written here because the
 * field's libraries for it (libmnl, iproute2's libnetlink) are either not a library at all or
 * would be a dependency for three fixed requests: a UNIX socket is asked for exactly by inode, an
 * inet or netlink one found in a dump of its kind.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/netlink_diag.h>
#include <linux/rtnetlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>

#include "lib/sys/sockdiag.h"
#include "lib/sys/sysdesc.h"

static const struct {
	const char *name; /* the protocol name of such a descriptor (system.sockprotoname) */
	int family, protocol;
} kinds[TK_SD_N] = {
	[TK_SD_UNIX] = { "UNIX", AF_UNIX, 0 },
	[TK_SD_TCP4] = { "TCP", AF_INET, IPPROTO_TCP },
	[TK_SD_TCP6] = { "TCPv6", AF_INET6, IPPROTO_TCP },
	[TK_SD_UDP4] = { "UDP", AF_INET, IPPROTO_UDP },
	[TK_SD_UDP6] = { "UDPv6", AF_INET6, IPPROTO_UDP },
	[TK_SD_NETLINK] = { "NETLINK", AF_NETLINK, 0 },
};

/* netlink protocols as strace names them in "NETLINK:[ROUTE:1234]" */
static const char *const netlink_protos[] = {
	"ROUTE", "UNUSED", "USERSOCK", "FIREWALL", "SOCK_DIAG", "NFLOG", "XFRM", "SELINUX", "ISCSI", "AUDIT",
	"FIB_LOOKUP", "CONNECTOR", "NETFILTER", "IP6_FW", "DNRTMSG", "KOBJECT_UEVENT", "GENERIC", NULL,
	"SCSITRANSPORT", "ECRYPTFS", "RDMA", "CRYPTO", "SMC",
};

static void add_inet_addr(struct strbuf *sb, int family, const uint32_t *addr, uint16_t port_be)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(family, addr, a, sizeof(a)))
		snprintf(a, sizeof(a), "?");
	sb_addf(sb, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, ntohs(port_be));
}

static void format_inet(struct strbuf *sb, const struct inet_diag_msg *m, enum tk_sockdiag_kind kind)
{
	static const uint32_t any[4];

	sb_addf(sb, "%s:[", kinds[kind].name);
	add_inet_addr(sb, m->idiag_family, m->id.idiag_src, m->id.idiag_sport);
	if (m->id.idiag_dport || memcmp(m->id.idiag_dst, any, sizeof(any))) {
		sb_adds(sb, "->");
		add_inet_addr(sb, m->idiag_family, m->id.idiag_dst, m->id.idiag_dport);
	}
	sb_addc(sb, ']');
}

/* UNIX_DIAG_NAME: a path, or an abstract name (a leading NUL, shown as @) */
static void add_unix_name(struct strbuf *sb, const unsigned char *name, size_t len)
{
	bool abstract = len && !name[0];

	if (abstract) {
		name++;
		len--;
	} else {
		while (len && !name[len - 1])
			len--;
	}
	sb_addc(sb, ',');
	if (abstract)
		sb_addc(sb, '@');
	tk_fmt_bytes(sb, name, len, false, 0);
}

static int format_unix(struct strbuf *sb, const struct nlmsghdr *h)
{
	const struct unix_diag_msg *m = NLMSG_DATA(h);
	int len = (int)(h->nlmsg_len - NLMSG_LENGTH(sizeof(*m)));	/* int: RTA_NEXT may go below 0 */
	const struct rtattr *a = (const void *)(m + 1);
	const unsigned char *name = NULL;
	size_t namelen = 0;
	uint32_t peer = 0;

	for (; len >= (int)sizeof(*a) && a->rta_len >= sizeof(*a) && a->rta_len <= (unsigned)len; a = RTA_NEXT(a, len)) {
		if (a->rta_type == UNIX_DIAG_NAME) {
			name = RTA_DATA(a);
			namelen = RTA_PAYLOAD(a);
		} else if (a->rta_type == UNIX_DIAG_PEER && RTA_PAYLOAD(a) >= sizeof(peer)) {
			memcpy(&peer, RTA_DATA(a), sizeof(peer));
		}
	}
	sb_adds(sb, m->udiag_type == SOCK_STREAM ? "UNIX-STREAM" : m->udiag_type == SOCK_SEQPACKET ? "UNIX-SEQPACKET" : "UNIX");
	sb_addf(sb, ":[%u", m->udiag_ino);
	if (peer)
		sb_addf(sb, "->%u", peer);
	if (name && namelen)
		add_unix_name(sb, name, namelen);
	sb_addc(sb, ']');
	return 1;
}

static void format_netlink(struct strbuf *sb, const struct netlink_diag_msg *m)
{
	const char *p = m->ndiag_protocol < sizeof(netlink_protos) / sizeof(netlink_protos[0]) ?
				netlink_protos[m->ndiag_protocol] : NULL;

	if (p)
		sb_addf(sb, "NETLINK:[%s:%u]", p, m->ndiag_portid);
	else
		sb_addf(sb, "NETLINK:[%u:%u]", m->ndiag_protocol, m->ndiag_portid);
}

int tk_sockdiag_reply(struct strbuf *sb, const void *buf, size_t len, unsigned long ino, enum tk_sockdiag_kind kind)
{
	const struct nlmsghdr *h = buf;
	int left = (int)len;	/* int: NLMSG_NEXT steps past the end of a short last message */

	if ((unsigned)kind >= TK_SD_N || len > 1 << 20)
		return -EINVAL;
	/* NLMSG_OK's own test, with the signs made explicit */
	for (; left >= (int)sizeof(*h) && h->nlmsg_len >= sizeof(*h) && h->nlmsg_len <= (unsigned)left;
	     h = NLMSG_NEXT(h, left)) {
		size_t body = h->nlmsg_len - NLMSG_HDRLEN;

		if (h->nlmsg_type == NLMSG_DONE)
			return 0;
		if (h->nlmsg_type == NLMSG_ERROR) {
			const struct nlmsgerr *e = NLMSG_DATA(h);

			if (body < sizeof(*e))
				return -EBADMSG;
			return e->error ? (e->error < 0 && e->error > -4096 ? e->error : -EBADMSG) : 0;
		}
		if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY)
			continue;
		if (kind == TK_SD_UNIX) {
			const struct unix_diag_msg *m = NLMSG_DATA(h);

			if (body < sizeof(*m))
				return -EBADMSG;
			if (m->udiag_ino == ino)
				return format_unix(sb, h);
			return 0;	/* an exact query has one answer */
		} else if (kind == TK_SD_NETLINK) {
			const struct netlink_diag_msg *m = NLMSG_DATA(h);

			if (body < sizeof(*m))
				return -EBADMSG;
			if (m->ndiag_ino == ino) {
				format_netlink(sb, m);
				return 1;
			}
		} else {
			const struct inet_diag_msg *m = NLMSG_DATA(h);

			if (body < sizeof(*m))
				return -EBADMSG;
			if (m->idiag_inode == ino && (m->idiag_family == AF_INET || m->idiag_family == AF_INET6)) {
				format_inet(sb, m, kind);
				return 1;
			}
		}
	}
	return left ? -EBADMSG : 2;
}

/* Send the query for kind (exact for UNIX, a dump otherwise) and read replies until one settles. */
static int query(struct strbuf *sb, int fd, unsigned long ino, enum tk_sockdiag_kind kind)
{
	struct {
		struct nlmsghdr h;
		union {
			struct unix_diag_req u;
			struct inet_diag_req_v2 i;
			struct netlink_diag_req n;
		};
	} req;
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	/* aligned for the nlmsghdr casts; a dump reply comes up to 32 KiB at a time (a shorter
	 * buffer would cut its last message) */
	static __thread uint64_t reply[65536 / 8];
	size_t body;
	ssize_t n;
	int r;

	memset(&req, 0, sizeof(req));
	if (kind == TK_SD_UNIX) {
		req.u.sdiag_family = AF_UNIX;
		req.u.udiag_states = ~0u;
		req.u.udiag_ino = (uint32_t)ino;
		req.u.udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_PEER;
		req.u.udiag_cookie[0] = req.u.udiag_cookie[1] = INET_DIAG_NOCOOKIE;
		body = sizeof(req.u);
		req.h.nlmsg_flags = NLM_F_REQUEST;
	} else if (kind == TK_SD_NETLINK) {
		req.n.sdiag_family = AF_NETLINK;
		req.n.sdiag_protocol = NDIAG_PROTO_ALL;
		body = sizeof(req.n);
		req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	} else {
		req.i.sdiag_family = (uint8_t)kinds[kind].family;
		req.i.sdiag_protocol = (uint8_t)kinds[kind].protocol;
		req.i.idiag_states = ~0u;
		req.i.id.idiag_cookie[0] = req.i.id.idiag_cookie[1] = INET_DIAG_NOCOOKIE;
		body = sizeof(req.i);
		req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	}
	req.h.nlmsg_len = NLMSG_LENGTH(body);
	req.h.nlmsg_type = SOCK_DIAG_BY_FAMILY;
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel, sizeof(kernel)) < 0)
		return -errno;
	for (;;) {
		n = recv(fd, reply, sizeof(reply), 0);
		if (n < 0)
			return errno == EAGAIN ? -ETIMEDOUT : -errno;
		r = tk_sockdiag_reply(sb, reply, (size_t)n, ino, kind);
		if (r != 2)
			return r;
	}
}

int tk_sockdiag_describe(struct strbuf *sb, unsigned long ino, const char *proto)
{
	struct timeval tv = { .tv_sec = 1 };	/* the kernel answers at once; never hang a trace */
	int fd, k, r = -ENOENT;

	fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	for (k = 0; k < TK_SD_N; k++) {
		/* UNIX sockets' names go on: UNIX-STREAM, UNIX-SEQPACKET */
		if (proto && (k == TK_SD_UNIX ? strncmp(proto, "UNIX", 4) : strcmp(proto, kinds[k].name)))
			continue;
		r = query(sb, fd, ino, (enum tk_sockdiag_kind)k);
		/* found: a dump may have more to say on fd, which is not asked again */
		if (r == 1)
			break;
		if (r != 0 && r != -ENOENT)
			break;
		r = -ENOENT;	/* in no table of this kind now (never bound, or gone) */
	}
	close(fd);
	return r == 1 ? 0 : r;
}
