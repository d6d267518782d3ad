// SPDX-License-Identifier: GPL-2.0
/*
 * Linked into the static tracekit binary only, with --wrap=dlopen (mk/build.mk). libtraceevent's
 * plugin loader, which its parser pulls in, calls dlopen; tracekit never loads libtraceevent plugins,
 * and a static binary cannot load a shared object. The wrap routes that one reference here, so the
 * link carries no "dlopen in statically linked applications" warning; a call fails as dlopen does
 * on a missing file.
 */
#include <stddef.h>

void *__wrap_dlopen(const char *file, int mode);

void *__wrap_dlopen(const char *file, int mode)
{
	(void)file;
	(void)mode;
	return NULL;
}
