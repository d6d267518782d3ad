/*
 * Group-stop under a tracer: a child stops itself; its parent must see it stopped (WUNTRACED),
 * wake it with SIGCONT, and see it exit. A tracer that resumed a group-stopped task would hide
 * the stop and hang the parent. Exits 0 when all of that held.
 */
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>

int main(void)
{
	int status;
	pid_t pid = fork();

	if (pid < 0)
		return 2;
	if (pid == 0) {
		raise(SIGSTOP);
		_exit(5);
	}
	if (waitpid(pid, &status, WUNTRACED) != pid || !WIFSTOPPED(status) || WSTOPSIG(status) != SIGSTOP) {
		fprintf(stderr, "stopcont: child not seen stopped (status %#x)\n", status);
		return 1;
	}
	kill(pid, SIGCONT);
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 5) {
		fprintf(stderr, "stopcont: child did not exit 5 (status %#x)\n", status);
		return 1;
	}
	return 0;
}
