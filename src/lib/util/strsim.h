#ifndef TK_UTIL_STRSIM_H
#define TK_UTIL_STRSIM_H
#include <stddef.h>

/* Damerau-free Levenshtein distance between a and b (bytes). */
size_t tk_edit_distance(const char *a, const char *b);
/*
 * The candidate closest to word, for "did you mean" hints; NULL when none is close enough
 * (distance above max(2, strlen(word)/2)) — a wild suggestion is worse than none.
 */
const char *tk_closest(const char *word, const char *const *cands, size_t n);

#endif
