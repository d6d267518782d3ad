/* Placeholder until the perf.data reader (issue #6) supplies the real hook: see perfdata.h. */
#include <errno.h>

#include "lib/stack/perfdata.h"

int tk_stacks_from_perfdata(struct tk_stacks *dst, const char *path, const struct tk_perfdata_opts *o,
			    struct tk_parse_stats *st)
{
	(void)dst;
	(void)path;
	(void)o;
	(void)st;
	return -EOPNOTSUPP;
}
