/* Exact output: process and signal syscalls, a signal delivery, a child's exit. */
#include "sys_expect.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <sys/wait.h>

struct ksigaction {
	void (*handler)(int);
	unsigned long flags;
	void (*restorer)(void);
	unsigned long mask;
};

static void on_usr1(int sig)
{
	(void)sig;
}

int main(int argc, char **argv)
{
	struct ksigaction sa, old;
	unsigned long set, oset;
	struct rlimit rl;
	struct utsname u;
	int status, pid, me;
	long r;

	(void)old;
	EXPECT_SET(argc, argv, "rt_sigaction,rt_sigprocmask,kill,getpid,getppid,prlimit64,uname,wait4,"
			       "setpgid,umask,prctl,sigaltstack");
	me = (int)syscall(SYS_getpid);
	expect(num(me), "getpid()");
	{
		/* through libc, which adds its restorer; the raw query after it learns the address */
		struct sigaction ls;

		memset(&ls, 0, sizeof(ls));
		ls.sa_handler = on_usr1;
		ls.sa_flags = SA_RESTART;
		sigaddset(&ls.sa_mask, SIGINT);
		sigaddset(&ls.sa_mask, SIGTERM);
		sigaction(SIGUSR1, &ls, NULL);
		r = syscall(SYS_rt_sigaction, SIGUSR1, NULL, &sa, 8);
		expect("0", "rt_sigaction(SIGUSR1, {sa_handler=%p, sa_mask=[INT TERM], sa_flags=SA_RESTORER|SA_RESTART, "
			    "sa_restorer=%p}, NULL, 8)", (void *)on_usr1, (void *)sa.restorer);
		expect(num(r), "rt_sigaction(SIGUSR1, NULL, {sa_handler=%p, sa_mask=[INT TERM], "
			       "sa_flags=SA_RESTORER|SA_RESTART, sa_restorer=%p}, 8)", (void *)on_usr1, (void *)sa.restorer);
	}
	r = syscall(SYS_rt_sigaction, SIGUSR2, NULL, &old, 8);
	expect(num(r), "rt_sigaction(SIGUSR2, NULL, {sa_handler=SIG_DFL, sa_mask=[], sa_flags=0}, 8)");
	set = 1UL << (SIGCHLD - 1);
	r = syscall(SYS_rt_sigprocmask, SIG_BLOCK, &set, &oset, 8);
	expect(num(r), "rt_sigprocmask(SIG_BLOCK, [CHLD], [], 8)");
	set = ~0UL;
	r = syscall(SYS_rt_sigprocmask, SIG_SETMASK, &set, NULL, 8);
	expect(num(r), "rt_sigprocmask(SIG_SETMASK, ~[], NULL, 8)");
	r = syscall(SYS_rt_sigprocmask, SIG_SETMASK, &oset, NULL, 8);
	expect(num(r), "rt_sigprocmask(SIG_SETMASK, [], NULL, 8)");
	r = syscall(SYS_kill, me, SIGUSR1);
	expect(num(r), "kill(%d, SIGUSR1)", me);
	expect_raw("--- SIGUSR1 {si_signo=SIGUSR1, si_code=SI_USER, si_pid=%d, si_uid=%u} ---\n", me,
		   (unsigned)getuid());
	r = syscall(SYS_kill, 999999999, 0);
	expect(err_ret("ESRCH"), "kill(999999999, 0)");
	r = syscall(SYS_prlimit64, 0, RLIMIT_NOFILE, NULL, &rl);
	expect(num(r), "prlimit64(0, RLIMIT_NOFILE, NULL, {rlim_cur=%lu, rlim_max=%lu%s})",
	       rl.rlim_cur % 1024 || rl.rlim_cur <= 1024 ? rl.rlim_cur : rl.rlim_cur / 1024,
	       rl.rlim_max % 1024 || rl.rlim_max <= 1024 ? rl.rlim_max : rl.rlim_max / 1024,
	       "");
	r = syscall(SYS_uname, &u);
	expect(num(r), "uname({sysname=\"%s\", nodename=\"%s\", ...})", u.sysname, u.nodename);
	{
		char o[16];
		long prev = syscall(SYS_umask, 022);

		snprintf(o, sizeof(o), "%#03lo", prev);
		expect(o, "umask(022)");
		syscall(SYS_umask, prev);
		expect("022", "umask(%s)", o);
	}
	r = syscall(SYS_setpgid, 0, 0);
	expect(num(r), "setpgid(0, 0)");
	pid = fork();
	if (!pid) {
		/*
		 * Exit only once the parent is inside wait4, so SIGCHLD always arrives during it and is
		 * shown after its return (an earlier exit would put the signal first: a legitimate but
		 * timing-dependent order). Bounded, in case /proc cannot tell.
		 */
		char path[64], buf[32];
		int i, fd;

		snprintf(path, sizeof(path), "/proc/%d/syscall", (int)getppid());
		for (i = 0; i < 5000; i++) {
			fd = open(path, O_RDONLY);
			buf[0] = 0;
			if (fd >= 0) {
				ssize_t n = read(fd, buf, sizeof(buf) - 1);
				buf[n > 0 ? n : 0] = 0;
				close(fd);
			}
			if (atoi(buf) == SYS_wait4)
				break;
			usleep(1000);
		}
		_exit(3);
	}
	r = syscall(SYS_wait4, pid, &status, 0, NULL);
	expect(num(r), "wait4(%d, [{WIFEXITED(s) && WEXITSTATUS(s) == 3}], 0, NULL)", pid);
	expect_raw("--- SIGCHLD {si_signo=SIGCHLD, si_code=CLD_EXITED, si_pid=%d, si_uid=%u, si_status=3, "
		   "si_utime=0, si_stime=0} ---\n", pid, (unsigned)getuid());
	r = syscall(SYS_wait4, -1, &status, WNOHANG, NULL);
	expect(err_ret("ECHILD"), "wait4(-1, %p, WNOHANG, NULL)", (void *)&status);
	return expect_done();
}
