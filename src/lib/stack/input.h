/*
 * Streaming line input for the profile parsers: a file (or "-" for stdin), plain or gzip-compressed
 * (detected by its magic bytes and inflated with zlib as it is read, concatenated members included).
 * Memory is one buffer of about a megabyte, grown only for a line longer than that.
 */
#ifndef TK_LIB_STACK_INPUT_H
#define TK_LIB_STACK_INPUT_H
#include <stddef.h>
#include <stdint.h>

struct tk_input;

/* Open path ("-": stdin) and read its first block. 0 or -errno; -EBADMSG for corrupt gzip data. */
int tk_input_open(struct tk_input **out, const char *path);
/* An in-memory input (fuzzing, tests); the data must outlive the input. */
int tk_input_mem(struct tk_input **out, const void *data, size_t len);
/* The first bytes of the (decompressed) content, for format detection; may be fewer than asked. */
size_t tk_input_peek(struct tk_input *in, const char **p);
/*
 * The next line, without its '\n' (a final line without one is returned too). 1: a line; 0: end of
 * input; -errno on a read error (-EBADMSG: corrupt or truncated gzip data). The line stays valid
 * until the next call.
 */
int tk_input_line(struct tk_input *in, const char **line, size_t *len);
/* Decompressed bytes handed out so far, and whether the input is gzip. */
uint64_t tk_input_bytes(const struct tk_input *in);
int tk_input_is_gzip(const struct tk_input *in);
void tk_input_close(struct tk_input *in);

#endif
