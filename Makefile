# SPDX-License-Identifier: GPL-2.0
# fgraph-lifecycle workbench: the front door. 'make help' lists the targets.
#
# Everything expensive is cached under FGL_CACHE (default
# /var/cache/fgraph-lifecycle), keyed by what made it.

VARIANT ?= rust
CMD     ?=
APPEND  ?=
TIMEOUT ?= 600
TREE    ?= $(CURDIR)/linux
OUT     ?=

export FGL_TREE := $(TREE)
export FGL_APPEND := $(APPEND)
export FGL_TIMEOUT := $(TIMEOUT)
ifdef FORCE
export FGL_FORCE := 1
endif
ifdef FGL_CACHE
export FGL_CACHE
endif

.PHONY: help toolchain base tree patches build guest run check check-all test torture bench hazards users-base outgoing clean-cache

help: ## list the targets
	@awk -F':.*## ' '/^[a-z-]+:.*## / { printf "  %-12s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)
	@echo
	@echo "  Variables: VARIANT=rust (kernel-config/VARIANT.config), CMD='...',"
	@echo "  APPEND='kernel parameters', TIMEOUT=seconds, TREE=work tree, FORCE=1,"
	@echo "  OUT=dir (make bench; FGL_BENCH=smoke for the smallest run; make outgoing)"

toolchain: ## make the Debian 13 toolchain root (once; cached)
	@ci/toolchain.sh >/dev/null

base: ## make the git repository of pristine Linux 7.3.4 (once; cached)
	@ci/base-tree.sh >/dev/null

tree: ## make the work tree: base + patches/ by git am (FORCE=1 remakes it)
	@ci/tree.sh

patches: ## write patches/ from the work tree's commits
	@ci/export-patches.sh

build: ## build kernel variant VARIANT from patches/ (cached)
	@ci/build.sh $(VARIANT) >/dev/null

guest: ## boot VARIANT in virtme-ng, run CMD as root, exit with its status
	@test -n "$(CMD)" || { echo "error: say what to run: make guest CMD='...'" >&2; exit 2; }
	@ci/guest.sh $(VARIANT) "$$FGL_CMD"
guest: export FGL_CMD = $(CMD)

run: ## from nothing: build and boot the patched kernel, show function_graph and the stacks
	@ci/run.sh

check: ## quick checks: checkpatch, C ABI, rustfmt, clippy, kernel-doc, htmldocs, b4 round trip
	@rc=0; for c in checkpatch check-abi check-rust check-kerneldoc check-htmldocs check-b4; do \
		ci/$$c.sh || rc=1; done; exit $$rc

check-all: ## make check + every prefix builds and boots (bisect) + gcc/LLVM/Rust/no-fgraph matrix
	@ci/check-all.sh

test: ## everything that must pass; ends with 'N passed, N failed'
	@ci/test.sh

torture: ## make test with the long torture settings (every function, 10x cycles; single-threaded TCG)
	@FGL_TORTURE=long ci/test.sh

bench: ## base vs c vs rust: memory, fork cost, hot path, latency; tables and plots in OUT (fork.md: ci/bench-fork.sh)
	@ci/bench.sh
bench: export FGL_BENCH_OUT = $(OUT)

users-base: ## ftracetest's cases on base, rust and c: a case passing on base only is a regression
	@ci/users-base.sh

outgoing: ## the messages to post, in OUT, signed off by you (git user.name/email); nothing is sent
	@ci/outgoing.sh "$(OUT)"

hazards: ## show each seed hazard caught: ci/mutations/*.patch, one kernel each
	@ci/hazards.sh

clean-cache: ## remove the whole cache (toolchain, base, builds, logs)
	@ci/clean-cache.sh
