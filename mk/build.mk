# The real build rules; run through the top-level Makefile, which installs dependencies first.
B ?= build
SAN ?= 0
FUZZ ?= 0
FUZZ_TIME ?= 20

ifeq ($(V),1)
Q :=
say = @true
else
Q := @
say = @printf '  %-8s %s\n' '$(1)' '$(2)'
endif

CC := gcc
CLANG ?= clang
BPFTOOL ?= bpftool
PKGS := libbpf libelf zlib libtracefs libtraceevent
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
# Linked in statically (their -dev packages ship the archives), as bpftool and libbpf-tools link libbpf:
# five shared libraries cost every tracekit command ~1 ms at start here (ld.so's loading, relocation
# and 30 page faults), and `trace` has a 20 ms start-to-attached budget. This is the test programs'
# and sanitizer builds' link; the tracekit binary is all static (TK_LDFLAGS below).
PKG_LIBS := -Wl,-Bstatic $(shell pkg-config --libs --static $(PKGS)) -Wl,-Bdynamic

# -Wno-format-truncation: messages are cut to their one-line buffers on purpose.
CFLAGS := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Wno-format-truncation -D_GNU_SOURCE -fno-omit-frame-pointer \
	  -MMD -MP -Isrc -I$(B)/skel -I$(B)/gen $(PKG_CFLAGS)
LDFLAGS :=
LDLIBS := $(PKG_LIBS) -lpthread -lm

# The tracekit binary itself is a static PIE (still placed at random by ASLR): on this machine kind
# a dynamic libc costs each start ~2.5 ms more (ld.so's mappings, relocations and page faults, which
# a VM makes dear), an eighth of trace's budget. The sanitizers need the shared runtime: dynamic then.
TK_LDFLAGS := -static-pie -Wl,--wrap=dlopen
TK_LDLIBS := $(shell pkg-config --libs --static $(PKGS)) -lpthread -lm
TK_OBJ_STATIC := $(B)/obj/src/static_dl.o

ifeq ($(SAN),1)
TK_LDFLAGS :=
TK_LDLIBS := $(LDLIBS)
TK_OBJ_STATIC :=
CFLAGS += -O1 -fsanitize=address,undefined -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
endif
ifeq ($(FUZZ),1)
TK_LDFLAGS :=
TK_LDLIBS := $(LDLIBS)
TK_OBJ_STATIC :=
CC := $(CLANG)
CFLAGS := $(filter-out -Werror -MMD -MP -Wno-format-truncation,$(CFLAGS)) -fsanitize=fuzzer-no-link,address,undefined
endif

VERSION := $(shell git describe --always --dirty 2>/dev/null || echo 0.1)
CFLAGS += -DTK_VERSION='"0.1-$(VERSION)"'

LIB_SRC := $(shell find src/lib -name '*.c' | sort)
CMD_SRC := src/tracekit.c $(shell find src/cmd -name '*.c' | sort)
BPF_SRC := $(wildcard src/bpf/*.bpf.c)
SKELS := $(patsubst src/bpf/%.bpf.c,$(B)/skel/%.skel.h,$(BPF_SRC))
LIB_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(LIB_SRC))
CMD_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(CMD_SRC))

UNIT_SRC := $(wildcard tests/unit/test_*.c)
UNIT_BIN := $(patsubst tests/unit/%.c,$(B)/tests/unit/%,$(UNIT_SRC))
PROG_SRC := $(wildcard tests/progs/*.c)
PROG_BIN := $(patsubst tests/progs/%.c,$(B)/tests/progs/%,$(PROG_SRC))
FUZZ_SRC := $(wildcard tests/fuzz/fuzz_*.c)
REPLAY_BIN := $(patsubst tests/fuzz/%.c,$(B)/fuzz-replay/%,$(FUZZ_SRC))
FUZZ_BIN := $(patsubst tests/fuzz/%.c,$(B)/fuzz/%,$(FUZZ_SRC))
DEMO_SRC := $(wildcard demo/*.c)
DEMO_BIN := $(patsubst demo/%.c,$(B)/demo/%,$(DEMO_SRC))

.PHONY: all check tests fuzz demo bench
.SECONDARY:
all: $(B)/tracekit $(DEMO_BIN)

# --- BPF: vmlinux.h from the running kernel's BTF, x.bpf.c -> x.bpf.o -> x.skel.h (linked in) ---
$(B)/vmlinux.h:
	$(call say,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) btf dump file /sys/kernel/btf/vmlinux format c > $@.tmp && mv $@.tmp $@

$(B)/bpf/%.bpf.o: src/bpf/%.bpf.c $(B)/vmlinux.h $(wildcard src/bpf/*.h)
	$(call say,BPF,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CLANG) -g -O2 -Wall -Werror -target bpf -D__TARGET_ARCH_x86 -I$(B) -Isrc/bpf -c $< -o $@

$(B)/skel/%.skel.h: $(B)/bpf/%.bpf.o mk/build.mk
	$(call say,SKEL,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@.tmp && mv $@.tmp $@

# --- generated headers: scripts/gen-NAME.py src/lib/*/NAME.spec -> $(B)/gen/NAME.h (UAPI tables) ---
GEN_HDRS := $(patsubst scripts/gen-%.py,$(B)/gen/%.h,$(wildcard scripts/gen-*.py))
$(B)/gen/%.h: scripts/gen-%.py $(wildcard src/lib/*/*.spec)
	$(call say,GEN,$@)
	$(Q)mkdir -p $(@D)
	$(Q)python3 $< $(wildcard src/lib/*/$*.spec) $@.tmp && mv $@.tmp $@

# --- C objects: every object waits for the skeletons and generated headers (order-only) ---
$(B)/obj/%.o: %.c | $(SKELS) $(GEN_HDRS)
	$(call say,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(B)/libtracekit.a: $(LIB_OBJ)
	$(call say,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(B)/tracekit: $(CMD_OBJ) $(TK_OBJ_STATIC) $(B)/libtracekit.a
	$(call say,LD,$@)
	$(Q)$(CC) $(LDFLAGS) $(TK_LDFLAGS) -o $@ $(CMD_OBJ) $(TK_OBJ_STATIC) $(B)/libtracekit.a $(TK_LDLIBS)

# --- tests ---
$(B)/tests/unit/%: tests/unit/%.c $(B)/libtracekit.a | $(GEN_HDRS)
	$(call say,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -Itests/unit -o $@ $< $(B)/libtracekit.a -lcmocka $(LDLIBS)

# Subject programs for the CLI tests: never sanitized (they are traced, not tested), frame pointers
# kept so profiles of them have stacks.
$(B)/tests/progs/%: tests/progs/%.c
	$(call say,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)gcc -std=gnu11 -O1 -g -fno-omit-frame-pointer -fno-inline -Wall -Wextra -Werror -o $@ $< -lpthread -lm

# Fuzz harnesses built twice: as a plain corpus replayer for `make check`, and with libFuzzer.
$(B)/fuzz-replay/%: tests/fuzz/%.c tests/fuzz/replay.c $(B)/libtracekit.a | $(GEN_HDRS)
	$(call say,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< tests/fuzz/replay.c $(B)/libtracekit.a $(LDLIBS)

$(B)/fuzz/%: tests/fuzz/%.c $(B)/libtracekit.a | $(GEN_HDRS)
	$(call say,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) -fsanitize=fuzzer -o $@ $< $(B)/libtracekit.a $(LDLIBS)

# --- the demo subject ---
$(B)/demo/%: demo/%.c $(wildcard demo/*.h) $(B)/libtracekit.a
	$(call say,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(filter %.c,$^) $(B)/libtracekit.a $(LDLIBS)

tests: $(B)/tracekit $(UNIT_BIN) $(PROG_BIN) $(REPLAY_BIN) $(DEMO_BIN)

check: tests
	$(Q)tests/run.sh $(B)

fuzz: $(FUZZ_BIN)
	$(Q)for f in $(FUZZ_BIN); do n=$${f##*/}; mkdir -p $(B)/corpus/$$n; \
		echo "fuzz: $$n for $(FUZZ_TIME)s"; \
		$$f -max_total_time=$(FUZZ_TIME) -print_final_stats=0 $(B)/corpus/$$n tests/fuzz/corpus/$$n \
			2>$(B)/fuzz-$$n.log || { tail -40 $(B)/fuzz-$$n.log; exit 1; }; done

demo: all
	$(Q)scripts/demo.sh $(B)

bench: all $(PROG_BIN)
	$(Q)for s in bench/*.sh; do echo "== $$s"; B=$(B) $$s || exit 1; done

-include $(shell find $(B)/obj $(B)/tests -name '*.d' 2>/dev/null)
