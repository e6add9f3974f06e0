# HeliosDB build.
#
#   make                 build bin/heliosdb and bin/heliosctl
#   make run             install missing packages (when root), build, start one dev node
#   make test            build and run every unit, property, fuzz-smoke and integration test
#   make SANITIZER=address test    (or undefined, or thread) the same under a sanitizer, in build/<sanitizer>/
#   make fuzz            run every libFuzzer target for FUZZ_SECONDS (default 60) each (FUZZ_JOBS=N)
#   make test-faults     the nemesis suite, FAULT_ROUNDS (default 10) seeded rounds [FAULT_SEED=S]
#   make bench           every benchmark, PostgreSQL side by side (bench/README.md)
#   make install         PREFIX=/usr/local DESTDIR=
#
# Sources are discovered by folder, so a new .c file needs no Makefile edit:
#   crdt/ proto/ config/ storage/ replication/ server/ (minus the mains) -> build/*/lib<layer>.a
#   server/main.c -> heliosdb;  server/ctl/*.c -> heliosctl
#   tests/unit/<dir>/test_*.c -> one cmocka binary each (tests/support/*.c linked in)
#   tests/fuzz/fuzz_*.c -> one libFuzzer binary each (clang)

PREFIX   ?= /usr/local
DESTDIR  ?=
CC       ?= cc
SANITIZER ?=
WERROR   ?=
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_RUNS ?= 2000

PKGS := rocksdb libuv jansson libpq openssl gnutls libngtcp2 libngtcp2_crypto_gnutls libnghttp3 libpcre2-8
EXTRA_LIBS := -lpg_query -lhttp_parser -lpthread -lm

ifeq ($(SANITIZER),)
  BUILD := build/default
  BINDIR := bin
  SANFLAGS :=
else
  BUILD := build/$(SANITIZER)
  BINDIR := $(BUILD)/bin
  SANFLAGS := -fsanitize=$(SANITIZER) -fno-omit-frame-pointer
  ifeq ($(SANITIZER),undefined)
    SANFLAGS += -fno-sanitize-recover=undefined
  endif
endif

WARN := -Wall -Wextra -Wpedantic -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2 \
        -Wno-unused-parameter
ifneq ($(WERROR),)
  WARN += -Werror
endif

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)
VERSION    := $(shell cat VERSION 2>/dev/null || echo 0.1.0)

CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_GNU_SOURCE -I. $(WARN) $(SANFLAGS) $(PKG_CFLAGS) -MMD -MP \
           -DHELIOS_VERSION='"$(VERSION)"'
LDFLAGS += $(SANFLAGS)
LDLIBS  += $(PKG_LIBS) $(EXTRA_LIBS)

# One archive per layer; a test links only its own layer and the ones below it (DESIGN §2), so
# the layering is enforced by the linker and a half-written file in one folder cannot break
# another folder's tests.
LAYERS := crdt proto config storage replication server
crdt_SRCS        := $(wildcard crdt/*.c)
proto_SRCS       := $(wildcard proto/*.c)
config_SRCS      := $(wildcard config/*.c)
storage_SRCS     := $(wildcard storage/*.c)
replication_SRCS := $(wildcard replication/*.c)
server_SRCS      := $(filter-out server/main.c,$(wildcard server/*.c server/sql/*.c))
DEPS_crdt        := crdt
DEPS_proto       := proto
DEPS_config      := config
DEPS_storage     := storage crdt
DEPS_replication := replication storage config proto crdt
DEPS_server      := server replication storage config proto crdt
archives_of = $(foreach L,$(or $(DEPS_$(1)),$(DEPS_server)),$(BUILD)/lib$(L).a)
ALL_ARCHIVES := $(call archives_of,server)
LIB_SRCS := $(foreach L,$(LAYERS),$($(L)_SRCS))
CTL_SRCS := $(wildcard server/ctl/*.c)
CTL_OBJS := $(CTL_SRCS:%.c=$(BUILD)/obj/%.o)

TEST_SUPPORT_SRCS := $(wildcard tests/support/*.c)
TEST_SUPPORT_OBJS := $(TEST_SUPPORT_SRCS:%.c=$(BUILD)/obj/%.o)
UNIT_SRCS := $(wildcard tests/unit/*/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/unit/%)
BENCH_SRCS := $(wildcard bench/*/bench_*.c)
BENCH_BINS := $(BENCH_SRCS:bench/%.c=$(BUILD)/bench/%)

FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BUILD := build/fuzz
FUZZ_BINS := $(FUZZ_SRCS:tests/fuzz/%.c=$(FUZZ_BUILD)/%)
FUZZ_CFLAGS := -std=c11 -D_GNU_SOURCE -I. -O1 -g -fsanitize=fuzzer-no-link,address,undefined \
               $(PKG_CFLAGS) -DHELIOS_VERSION='"$(VERSION)"'
FUZZ_LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/obj/%.o)

.PHONY: all run test unit-test integration-test fuzz fuzz-smoke bench install clean deps \
        check-deps format test-faults
all: $(BINDIR)/heliosdb $(BINDIR)/heliosctl

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

define layer_archive
$(BUILD)/lib$(1).a: $$($(1)_SRCS:%.c=$(BUILD)/obj/%.o)
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach L,$(LAYERS),$(eval $(call layer_archive,$(L))))

$(BINDIR)/heliosdb: $(BUILD)/obj/server/main.o $(ALL_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BINDIR)/heliosctl: $(CTL_OBJS) $(ALL_ARCHIVES)
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

.SECONDEXPANSION:
$(BUILD)/tests/unit/%: tests/unit/%.c $(TEST_SUPPORT_OBJS) \
                       $$(call archives_of,$$(firstword $$(subst /, ,$$*)))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(TEST_SUPPORT_OBJS) \
	  $(call archives_of,$(firstword $(subst /, ,$*))) $(LDLIBS) -lcmocka

# bench/<layer>/bench_*.c links that layer and the ones below it (bench/wire: everything).
$(BUILD)/bench/%: bench/%.c $$(call archives_of,$$(firstword $$(subst /, ,$$*)))
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(call archives_of,$(firstword $(subst /, ,$*))) $(LDLIBS)

# -MMD -MP: a fuzz object is rebuilt when a header it includes changes (a stale object with an
# old struct layout linked beside new ones crashes the harness before any input runs)
$(FUZZ_BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -MMD -MP -c $< -o $@

# Each fuzz target links only the layer it exercises (and those below it).
FUZZ_LAYER_fuzz_crdt_decode := crdt
FUZZ_LAYER_fuzz_pgwire      := proto
FUZZ_LAYER_fuzz_pgtypes     := proto
FUZZ_LAYER_fuzz_pgtz        := proto
FUZZ_LAYER_fuzz_users       := proto
FUZZ_LAYER_fuzz_scram       := proto
FUZZ_LAYER_fuzz_config      := config
FUZZ_LAYER_fuzz_logentry    := storage
FUZZ_LAYER_fuzz_sql         := server
FUZZ_LAYER_fuzz_catalog     := server
FUZZ_LAYER_fuzz_jload       := server
FUZZ_LAYER_fuzz_regex       := server
FUZZ_LAYER_fuzz_jsonpath    := server
fuzz_archives_of = $(foreach L,$(or $(DEPS_$(or $(FUZZ_LAYER_$(1)),replication)),$(DEPS_server)),\
                     $(FUZZ_BUILD)/lib$(L).a)
define fuzz_layer_archive
$(FUZZ_BUILD)/lib$(1).a: $$($(1)_SRCS:%.c=$(FUZZ_BUILD)/obj/%.o)
	@mkdir -p $$(dir $$@)
	@rm -f $$@
	ar rcs $$@ $$^
endef
$(foreach L,$(LAYERS),$(eval $(call fuzz_layer_archive,$(L))))

$(FUZZ_BUILD)/%: tests/fuzz/%.c $$(call fuzz_archives_of,$$*)
	@mkdir -p $(dir $@)
	clang $(FUZZ_CFLAGS) -MMD -MP -MF $@.d -fsanitize=fuzzer -o $@ $< $(call fuzz_archives_of,$*) $(LDLIBS)

# Test tools (the WAN emulator); standalone programs with a main() of their own.
TOOL_SRCS := $(wildcard tests/tools/*.c)
TOOL_BINS := $(TOOL_SRCS:tests/tools/%.c=$(BUILD)/tools/%)
$(BUILD)/tools/%: tests/tools/%.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $< $(LDLIBS)

# Everything a test run needs, built before anything runs.
test-build: all $(UNIT_BINS) $(TOOL_BINS)
unit-build: $(UNIT_BINS)

test: check-deps
	@$(MAKE) --no-print-directory test-build
	@if [ -z "$(SANITIZER)" ] && command -v clang >/dev/null; then \
	  $(MAKE) --no-print-directory fuzz-build; fi
	@BUILD=$(BUILD) BINDIR=$(BINDIR) FUZZ_SMOKE_RUNS=$(FUZZ_SMOKE_RUNS) \
	  FUZZ_BUILD=$(if $(SANITIZER),,$(FUZZ_BUILD)) \
	  SANITIZER=$(SANITIZER) tests/run.sh

# The nemesis suite (tests/faults/README.md): five regions through the WAN emulator, seeded faults.
# `make test-faults FAULT_ROUNDS=50 FAULT_SEED=70000`; a short profile runs inside `make test`.
FAULT_ROUNDS ?= 10
FAULT_SEED ?=
test-faults: check-deps
	@$(MAKE) --no-print-directory test-build
	@tests/faults/nemesis.py --rounds $(FAULT_ROUNDS) --profile full --bindir $(BINDIR) \
	  --wanem $(BUILD)/tools/wanem $(if $(FAULT_SEED),--seed $(FAULT_SEED))

fuzz-build: $(FUZZ_BINS)

# FUZZ_JOBS targets run at once (default 1); each target's log lands in build/fuzz/logs/.
FUZZ_JOBS ?= 1
fuzz: fuzz-build
	@mkdir -p $(FUZZ_BUILD)/logs
	@printf '%s\n' $(FUZZ_BINS) | xargs -P $(FUZZ_JOBS) -I{} sh -c 'n=$$(basename {}); \
	  mkdir -p tests/fuzz/corpus-run/$$n; echo "== $$n for $(FUZZ_SECONDS)s"; \
	  if {} -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 tests/fuzz/corpus-run/$$n \
	      tests/fuzz/corpus/$$n > $(FUZZ_BUILD)/logs/$$n.log 2>&1; then \
	    echo "== $$n ok: $$(grep -h stat::number_of_executed_units $(FUZZ_BUILD)/logs/$$n.log)"; \
	  else echo "== $$n FAILED (see $(FUZZ_BUILD)/logs/$$n.log)"; exit 255; fi'

# Benchmarks need the daemon, the WAN emulator and the micro-benchmark binaries (bench/README.md).
bench: check-deps
	@$(MAKE) --no-print-directory all $(BENCH_BINS) $(TOOL_BINS)
	@BUILD=$(BUILD) BINDIR=$(BINDIR) bench/run.sh $(BUILD)

check-deps:
	@deploy/install-deps.sh --check >/dev/null 2>&1 || deploy/install-deps.sh --auto

run: check-deps
	@$(MAKE) --no-print-directory all
	$(BINDIR)/heliosdb --dev

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/systemd/system
	install -m 0755 $(BINDIR)/heliosdb $(BINDIR)/heliosctl $(DESTDIR)$(PREFIX)/bin/
	if [ -f deploy/systemd/heliosdb@.service ]; then \
	  install -m 0644 deploy/systemd/heliosdb@.service $(DESTDIR)$(PREFIX)/lib/systemd/system/; fi

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

clean:
	rm -rf build bin

-include $(shell find build -name '*.d' 2>/dev/null)

# ---- local five-region cluster (owned by heliosctl/deploy; see deploy/README.md) ----
CLUSTER_DIR ?= build/cluster
.PHONY: cluster cluster-stop
cluster: all
	@BINDIR=$(BINDIR) CLUSTER_DIR=$(CLUSTER_DIR) deploy/cluster.sh start
cluster-stop:
	@BINDIR=$(BINDIR) CLUSTER_DIR=$(CLUSTER_DIR) deploy/cluster.sh stop
