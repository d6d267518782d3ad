/*
 * Transparent huge pages for the heap of a command that builds big tables (collapse, flame).
 *
 * On this machine kind (a paravirtualised guest) a 4 kB page fault costs 10-20 us of CPU: touching
 * a fresh 4 MB array costs about 20 ms in small pages and 0.4 ms in 2 MB ones, which is more than
 * the whole render of a flame graph. tk_heap_hugepages(bytes) reserves that much at the top of the
 * malloc heap (virtual: nothing is touched) and asks for huge pages there (madvise MADV_HUGEPAGE,
 * honoured when THP is "madvise" or "always"); big blocks and other threads' allocations are kept
 * in that heap instead of separate mappings. Call it early, before any other thread exists. Where
 * the kernel says no, nothing changes but the page size.
 */
#ifndef TK_UTIL_HUGEHEAP_H
#define TK_UTIL_HUGEHEAP_H
#include <stddef.h>

void tk_heap_hugepages(size_t bytes);

#endif
