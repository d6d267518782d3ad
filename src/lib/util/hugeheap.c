/* Huge pages for the malloc heap: see hugeheap.h for why. */
#include <malloc.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "lib/util/hugeheap.h"

#define HUGE_PAGE (2u << 20)

/*
 * Held, never touched: the heap below the first huge page boundary and the first huge page, where
 * extending the heap wrote malloc's bookkeeping (a 2 MB range with one small page in it is faulted
 * in small pages from then on); blocks go above it.
 */
static void *skipped;

void tk_heap_hugepages(size_t bytes)
{
	uintptr_t start, end;
	void *probe;
	char *before, *after;

	/* big blocks from the heap, not mapped apart; the reserve is made by the next extension */
	mallopt(M_MMAP_THRESHOLD, 32 << 20);
	before = sbrk(0);
	if (before == (char *)-1 || !mallopt(M_TOP_PAD, (int)bytes))
		return;
	/* keep the reserve: not given back when freed; one arena, so other threads use it too */
	mallopt(M_TRIM_THRESHOLD, (int)bytes * 2);
	mallopt(M_ARENA_MAX, 1);
	probe = malloc(HUGE_PAGE);	/* too big for what is free now: extends the heap */
	__asm__ volatile("" : : "r"(probe) : "memory");	/* a malloc the compiler may not drop */
	after = sbrk(0);
	free(probe);
	mallopt(M_TOP_PAD, 128 << 10);	/* back to the default for later extensions */
	if (after == (char *)-1 || after <= before)
		return;
	start = ((uintptr_t)before + HUGE_PAGE - 1) & ~(uintptr_t)(HUGE_PAGE - 1);
	end = (uintptr_t)after & ~(uintptr_t)(HUGE_PAGE - 1);
	if (end <= start)
		return;
	if (end - start <= 2 * HUGE_PAGE || madvise((void *)start, end - start, MADV_HUGEPAGE))
		return;
	if (!skipped)
		skipped = malloc(start + HUGE_PAGE - (uintptr_t)before);
}
