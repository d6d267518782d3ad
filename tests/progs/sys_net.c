/* Exact output: sockets over loopback and AF_UNIX. */
#include "sys_expect.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stddef.h>
#include <sys/socket.h>
#include <sys/un.h>

int main(int argc, char **argv)
{
	struct sockaddr_in sin, got;
	struct sockaddr_un sun, peer;
	socklen_t len;
	int ls, cs, as, one = 1, sv[2], val;
	char buf[32];
	long r;

	EXPECT_SET(argc, argv, "%network");
	ls = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	expect(num(ls), "socket(AF_INET, SOCK_STREAM|SOCK_CLOEXEC, IPPROTO_TCP)");
	r = syscall(SYS_setsockopt, ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	expect(num(r), "setsockopt(%d, SOL_SOCKET, SO_REUSEADDR, [1], 4)", ls);
	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	r = syscall(SYS_bind, ls, &sin, sizeof(sin));
	expect(num(r), "bind(%d, {sa_family=AF_INET, sin_port=htons(0), sin_addr=inet_addr(\"127.0.0.1\")}, 16)", ls);
	r = syscall(SYS_listen, ls, 5);
	expect(num(r), "listen(%d, 5)", ls);
	len = sizeof(got);
	r = syscall(SYS_getsockname, ls, &got, &len);
	expect(num(r), "getsockname(%d, {sa_family=AF_INET, sin_port=htons(%u), sin_addr=inet_addr(\"127.0.0.1\")}, [16])",
	       ls, ntohs(got.sin_port));
	cs = (int)syscall(SYS_socket, AF_INET, SOCK_STREAM, 0);
	expect(num(cs), "socket(AF_INET, SOCK_STREAM, IPPROTO_IP)");
	r = syscall(SYS_connect, cs, &got, sizeof(got));
	expect(num(r), "connect(%d, {sa_family=AF_INET, sin_port=htons(%u), sin_addr=inet_addr(\"127.0.0.1\")}, 16)",
	       cs, ntohs(got.sin_port));
	len = sizeof(sin);
	as = (int)syscall(SYS_accept4, ls, &sin, &len, SOCK_NONBLOCK);
	expect(num(as), "accept4(%d, {sa_family=AF_INET, sin_port=htons(%u), sin_addr=inet_addr(\"127.0.0.1\")}, [16], SOCK_NONBLOCK)",
	       ls, ntohs(sin.sin_port));
	r = syscall(SYS_setsockopt, cs, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	expect(num(r), "setsockopt(%d, SOL_TCP, TCP_NODELAY, [1], 4)", cs);
	len = sizeof(val);
	r = syscall(SYS_getsockopt, cs, SOL_SOCKET, SO_TYPE, &val, &len);
	expect(num(r), "getsockopt(%d, SOL_SOCKET, SO_TYPE, [1], [4])", cs);
	r = syscall(SYS_sendto, cs, "ping\n", 5, MSG_NOSIGNAL, NULL, 0);
	expect(num(r), "sendto(%d, \"ping\\n\", 5, MSG_NOSIGNAL, NULL, 0)", cs);
	r = syscall(SYS_recvfrom, as, buf, sizeof(buf), MSG_WAITALL * 0, NULL, NULL);
	expect(num(r), "recvfrom(%d, \"ping\\n\", 32, 0, NULL, NULL)", as);
	r = syscall(SYS_recvfrom, as, buf, sizeof(buf), MSG_DONTWAIT, NULL, NULL);
	expect(err_ret("EAGAIN"), "recvfrom(%d, %p, 32, MSG_DONTWAIT, NULL, NULL)", as, (void *)buf);
	r = syscall(SYS_shutdown, cs, SHUT_WR);
	expect(num(r), "shutdown(%d, SHUT_WR)", cs);
	r = syscall(SYS_socketpair, AF_UNIX, SOCK_DGRAM, 0, sv);
	expect(num(r), "socketpair(AF_UNIX, SOCK_DGRAM, 0, [%d, %d])", sv[0], sv[1]);
	/* the length is an input and an output: "[in => out]" when the kernel changed it */
	len = sizeof(peer);
	r = syscall(SYS_getsockname, sv[0], &peer, &len);
	expect(num(r), "getsockname(%d, {sa_family=AF_UNIX}, [110 => 2])", sv[0]);
	len = sizeof(peer);
	r = syscall(SYS_getpeername, sv[1], &peer, &len);
	expect(num(r), "getpeername(%d, {sa_family=AF_UNIX}, [110 => 2])", sv[1]);
	len = sizeof(got);
	r = syscall(SYS_recvfrom, sv[1], buf, sizeof(buf), MSG_DONTWAIT, &got, &len);
	expect(err_ret("EAGAIN"), "recvfrom(%d, %p, 32, MSG_DONTWAIT, %p, [16])", sv[1], (void *)buf, (void *)&got);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, "/nonexistent/sock");
	r = syscall(SYS_connect, sv[0], &sun, sizeof(sun));
	expect(err_ret("ENOENT"), "connect(%d, {sa_family=AF_UNIX, sun_path=\"/nonexistent/sock\"}, 110)", sv[0]);
	r = syscall(SYS_sendto, sv[0], "x", 1, 0, &sun, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 18));
	expect(err_ret("ENOENT"), "sendto(%d, \"x\", 1, 0, {sa_family=AF_UNIX, sun_path=\"/nonexistent/sock\"}, 20)", sv[0]);
	return expect_done();
}
