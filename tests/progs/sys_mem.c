/* Exact output: memory syscalls. */
#include "sys_expect.h"

#include <sys/mman.h>

int main(int argc, char **argv)
{
	void *p, *q;
	long r;

	EXPECT_SET(argc, argv, "mmap,munmap,mprotect,madvise,mremap,msync,mlock,munlock");
	p = (void *)syscall(SYS_mmap, NULL, 8192, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* mmap returns an address: strace prints it in hex */
	expect("", "mmap(NULL, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)");
	expect_len -= 1;
	expect_raw("%p\n", p);
	r = syscall(SYS_mprotect, p, 4096, PROT_READ);
	expect(num(r), "mprotect(%p, 4096, PROT_READ)", p);
	r = syscall(SYS_madvise, p, 8192, MADV_DONTNEED);
	expect(num(r), "madvise(%p, 8192, MADV_DONTNEED)", p);
	r = syscall(SYS_msync, p, 4096, MS_SYNC | MS_INVALIDATE);
	expect(num(r), "msync(%p, 4096, MS_SYNC|MS_INVALIDATE)", p);
	r = syscall(SYS_mlock, p, 4096);
	expect(num(r), "mlock(%p, 4096)", p);
	r = syscall(SYS_munlock, p, 4096);
	expect(num(r), "munlock(%p, 4096)", p);
	r = syscall(SYS_munmap, p, 8192);
	expect(num(r), "munmap(%p, 8192)", p);
	p = (void *)syscall(SYS_mmap, NULL, 8192, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	expect("", "mmap(NULL, 8192, PROT_NONE, MAP_PRIVATE|MAP_ANONYMOUS|MAP_NORESERVE, -1, 0)");
	expect_len -= 1;
	expect_raw("%p\n", p);
	q = (void *)syscall(SYS_mremap, p, 8192, 16384, MREMAP_MAYMOVE, NULL);
	expect("", "mremap(%p, 8192, 16384, MREMAP_MAYMOVE)", p);
	expect_len -= 1;
	expect_raw("%p\n", q);
	r = syscall(SYS_munmap, q, 16384);
	expect(num(r), "munmap(%p, 16384)", q);
	p = (void *)syscall(SYS_mmap, NULL, 4096, PROT_READ | PROT_EXEC, MAP_SHARED, 999, 0x3000);
	expect(err_ret("EBADF"), "mmap(NULL, 4096, PROT_READ|PROT_EXEC, MAP_SHARED, 999, 0x3000)");
	return expect_done();
}
