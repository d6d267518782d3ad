#include <errno.h>
#include <mntent.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>

#include "lib/tracefs/mount.h"

int tk_tracefs_find(char *dir, size_t len)
{
	struct mntent *m;
	FILE *f = setmntent("/proc/self/mounts", "r");
	int ret = -ENOENT;

	if (!f)
		return -errno;
	while ((m = getmntent(f))) {
		if (strcmp(m->mnt_type, "tracefs"))
			continue;
		/* prefer the canonical place when tracefs is mounted more than once */
		if (ret == 0 && strcmp(m->mnt_dir, TK_TRACEFS_DEFAULT))
			continue;
		if (snprintf(dir, len, "%s", m->mnt_dir) >= (int)len) {
			ret = -ENAMETOOLONG;
			continue;
		}
		ret = 0;
	}
	endmntent(f);
	return ret;
}

int tk_tracefs_ensure(char *dir, size_t len, bool *mounted_now)
{
	int ret = tk_tracefs_find(dir, len);

	if (mounted_now)
		*mounted_now = false;
	if (ret != -ENOENT)
		return ret;
	if (mkdir(TK_TRACEFS_DEFAULT, 0700) && errno != EEXIST)
		return -errno;
	if (mount("nodev", TK_TRACEFS_DEFAULT, "tracefs", 0, NULL))
		return -errno;
	if (mounted_now)
		*mounted_now = true;
	snprintf(dir, len, "%s", TK_TRACEFS_DEFAULT);
	return 0;
}
