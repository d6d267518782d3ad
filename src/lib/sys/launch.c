/* The traced command's environment and user (-E, -u): see launch.h. */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lib/sys/launch.h"

extern char **environ;

static int parse_id(const char *s, const char *end, unsigned long *out)
{
	char *e;

	if (s == end || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &e, 10);
	if (errno || e != end || *out > 0xfffffffeUL)
		return -EINVAL;
	return 0;
}

static bool has_group(const struct tk_runas *ra, gid_t g)
{
	int i;

	for (i = 0; i < ra->ngroups; i++)
		if (ra->groups[i] == g)
			return true;
	return false;
}

static int add_group(struct tk_runas *ra, gid_t g)
{
	if (has_group(ra, g))
		return 0;
	if (ra->ngroups == TK_RUNAS_MAX_GROUPS)
		return -E2BIG;
	ra->groups[ra->ngroups++] = g;
	return 0;
}

/*
 * The files themselves, with fgetpwent/fgetgrent, not getpwnam/initgroups: tracekit is a static
 * binary, where glibc's NSS would need shared modules at run time (the linker warns). Users known
 * only to LDAP or sssd are not found; local accounts, the ones -u is used with, are.
 */
int tk_runas_lookup(const char *user, struct tk_runas *ra)
{
	const char *colon = strchr(user, ':');
	unsigned long uid = 0, gid = 0;
	bool numeric = false, found = false;
	struct passwd *pw;
	struct group *gr;
	char *name = NULL;
	FILE *f;
	int err = 0;

	memset(ra, 0, sizeof(*ra));
	if (!*user)
		return -ENOENT;
	if (!parse_id(user, colon ? colon : user + strlen(user), &uid) &&
	    (!colon || !parse_id(colon + 1, colon + 1 + strlen(colon + 1), &gid)))
		numeric = true;
	f = fopen("/etc/passwd", "re");
	if (!f && !numeric)
		return -errno;
	while (f && (pw = fgetpwent(f))) {
		if (numeric ? pw->pw_uid == uid : !strcmp(pw->pw_name, user)) {
			ra->uid = pw->pw_uid;
			ra->gid = pw->pw_gid;
			name = strdup(pw->pw_name);
			found = true;
			break;
		}
	}
	if (f)
		fclose(f);
	if (found && !name)
		return -ENOMEM;
	if (!found && !numeric)
		return -ENOENT;
	if (numeric) {
		ra->uid = uid;
		if (colon || !found)
			ra->gid = colon ? gid : uid;
	}
	ra->set = true;
	ra->groups[ra->ngroups++] = ra->gid;
	if (!name)	/* a bare id: no supplementary groups, as setpriv --clear-groups */
		return 0;
	f = fopen("/etc/group", "re");
	if (!f) {
		free(name);
		return errno == ENOENT ? 0 : -errno;
	}
	while (!err && (gr = fgetgrent(f))) {
		char **m;

		for (m = gr->gr_mem; *m; m++)
			if (!strcmp(*m, name)) {
				err = add_group(ra, gr->gr_gid);
				break;
			}
	}
	fclose(f);
	free(name);
	return err;
}

int tk_env_edit(char ***envp, const char *spec)
{
	const char *eq = strchr(spec, '=');
	size_t namelen = eq ? (size_t)(eq - spec) : strlen(spec), n = 0, i, j;
	char **env = *envp, **grown, *dup;

	if (!namelen)
		return -EINVAL;
	if (!env) {
		for (n = 0; environ && environ[n]; n++)
			;
		env = calloc(n + 1, sizeof(*env));
		if (!env)
			return -ENOMEM;
		for (i = 0; i < n; i++) {
			env[i] = strdup(environ[i]);
			if (!env[i]) {
				tk_env_free(env);
				return -ENOMEM;
			}
		}
		*envp = env;
	}
	/* every VAR of that name goes: the last -E, set or unset, is what the command sees */
	for (i = j = 0; env[i]; i++) {
		if (!strncmp(env[i], spec, namelen) && env[i][namelen] == '=')
			free(env[i]);
		else
			env[j++] = env[i];
	}
	env[j] = NULL;
	if (!eq)
		return 0;
	dup = strdup(spec);
	if (!dup)
		return -ENOMEM;
	grown = realloc(env, (j + 2) * sizeof(*env));
	if (!grown) {
		free(dup);
		return -ENOMEM;
	}
	grown[j] = dup;
	grown[j + 1] = NULL;
	*envp = grown;
	return 0;
}

void tk_env_free(char **envp)
{
	size_t i;

	for (i = 0; envp && envp[i]; i++)
		free(envp[i]);
	free(envp);
}

int tk_launch_prepare_child(uint64_t sigdfl, const struct tk_runas *ra)
{
	int sig;

	for (sig = 1; sig <= 64; sig++)
		if (sigdfl >> (sig - 1) & 1)
			signal(sig, SIG_DFL);
	if (!ra || !ra->set)
		return 0;
	/* groups and gid while still root; the uid last, after which none of it could be changed */
	if (setgroups((size_t)ra->ngroups, ra->groups) || setresgid(ra->gid, ra->gid, ra->gid) ||
	    setresuid(ra->uid, ra->uid, ra->uid))
		return -errno;
	return 0;
}
