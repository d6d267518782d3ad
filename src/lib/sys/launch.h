/*
 * How `tracekit trace` starts its command, shared by both backends' children: the environment it
 * gets (-E VAR=VAL, -E VAR) and the user it runs as (-u USER), as strace does both.
 */
#ifndef TK_SYS_LAUNCH_H
#define TK_SYS_LAUNCH_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define TK_RUNAS_MAX_GROUPS 256

/* -u: the ids the command runs with; set is false without -u. */
struct tk_runas {
	bool set;
	uid_t uid;
	gid_t gid;
	int ngroups; /* supplementary groups: the user's in /etc/group, its primary group first */
	gid_t groups[TK_RUNAS_MAX_GROUPS];
};

/*
 * Look up USER (a name, or UID[:GID]) in /etc/passwd and its groups in /etc/group. 0, -ENOENT when
 * there is no such user, -E2BIG past TK_RUNAS_MAX_GROUPS groups, or another -errno reading them.
 */
int tk_runas_lookup(const char *user, struct tk_runas *ra);

/*
 * Apply one -E to *envp (NULL at first: then a copy of the current environment is made):
 * "VAR=VAL" sets VAR, "VAR" removes it. 0, -EINVAL for an empty name, or -ENOMEM.
 */
int tk_env_edit(char ***envp, const char *spec);
void tk_env_free(char **envp);

/*
 * In the forked child, before it execs: the signals in sigdfl (bit sig - 1) back to SIG_DFL, then
 * the ids of ra when set (groups, gid, uid, in that order). 0 or -errno.
 */
int tk_launch_prepare_child(uint64_t sigdfl, const struct tk_runas *ra);

#endif
