/*
 * libFuzzer harness: -yy's NETLINK_SOCK_DIAG reply parser (src/lib/sys/sockdiag.c). The first
 * byte picks the kind of query the reply answers, the next four the inode looked for; the rest is
 * the reply, in a copy of exactly its size (netlink messages are read in place, 4-byte aligned).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "lib/sys/sockdiag.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct strbuf sb;
	uint32_t ino;
	void *reply;

	if (size < 5)
		return 0;
	memcpy(&ino, data + 1, 4);
	reply = malloc(size - 5 ? size - 5 : 1);	/* malloc's alignment is enough */
	if (!reply)
		return 0;
	memcpy(reply, data + 5, size - 5);
	sb_init(&sb);
	tk_sockdiag_reply(&sb, reply, size - 5, ino, (enum tk_sockdiag_kind)(data[0] % (TK_SD_N + 1)));
	sb_release(&sb);
	free(reply);
	return 0;
}
