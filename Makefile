# akashsim build. `make` builds bin/akashsim and build/libakashproto.a; `make test`, `make run`,
# `make bench`, `make asan`. The deps step installs missing Debian packages first (apt-get
# when run as root, otherwise it prints the command to type and stops).

CC       ?= gcc
ifeq ($(origin CC),default)
CC       := gcc
endif
# make MPI=1: akashsim built with Open MPI's mpicc, so that `mpirun -np K akashsim sweep ...`
# spreads a sweep's runs over K ranks (sim/experiment_mpi.c). Its objects go to build-mpi.
ifeq ($(MPI),1)
CC       := mpicc
BUILD    ?= build-mpi
CPPFLAGS += -DAK_MPI
endif
BUILD    ?= build
OPT      ?= -O2
CFLAGS   ?= $(OPT) -g
WARN     := -Wall -Wextra -Wshadow -Wstrict-prototypes -Werror
CPPFLAGS += -Iprotocol -Isim -Imodels
ALL_CFLAGS = -std=gnu11 -fopenmp $(WARN) $(CFLAGS) $(SAN)

# Debian packages: what we build with, and the command that provides each check.
DEB_PKGS := build-essential pkg-config libgmp-dev libcjson-dev check libgsl-dev libsqlite3-dev python3 \
            libopenmpi-dev openmpi-bin
DEPS_STAMP := $(BUILD)/.deps-ok

PKG_LIBS  = $$(pkg-config --libs libcjson check gsl sqlite3 2>/dev/null)

PROTO_SRC := $(sort $(wildcard protocol/*.c))
SIM_SRC   := $(sort $(wildcard sim/*.c))
SIM_MAIN  := sim/main.c
MODEL_SRC := $(sort $(wildcard models/*.c))
SIM_LIB_SRC := $(filter-out $(SIM_MAIN),$(SIM_SRC)) $(MODEL_SRC)
TEST_SRC  := $(sort $(wildcard tests/test_*.c))
BENCH_SRC := $(sort $(wildcard bench/bench_*.c))

PROTO_OBJ := $(PROTO_SRC:%.c=$(BUILD)/%.o)
SIM_OBJ   := $(SIM_LIB_SRC:%.c=$(BUILD)/%.o)
MAIN_OBJ  := $(SIM_MAIN:%.c=$(BUILD)/%.o)
TEST_BIN  := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
BENCH_BIN := $(BENCH_SRC:bench/%.c=$(BUILD)/bench/%)

PROTO_LIB := $(BUILD)/libakashproto.a
SIM_LIB   := $(BUILD)/libakashsim.a
AKASHSIM  := bin/akashsim

.PHONY: all deps run test test-unit test-replay test-cli test-mpi bench asan clean help
.DEFAULT_GOAL := all

all: $(AKASHSIM) $(PROTO_LIB)

help:
	@echo "make            build bin/akashsim and $(PROTO_LIB)"
	@echo "make run        simulate scenarios/baseline.json (a year of the network) into results.db"
	@echo "make test       unit suites, replay vectors, CLI tests and a sweep over 2 MPI ranks"
	@echo "make MPI=1      build bin/akashsim with Open MPI (mpirun -np K akashsim sweep ...)"
	@echo "make bench      event queue, market messages, chain blocks, and the two shipped scenarios"
	@echo "make asan       every suite under AddressSanitizer and UBSan"
	@echo "make deps       install missing Debian packages (as root) or print the command"

# ---- dependencies -----------------------------------------------------------------------------

deps: $(DEPS_STAMP)

$(DEPS_STAMP): Makefile
	@missing=""; \
	for p in $(DEB_PKGS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; \
	done; \
	if [ -n "$$missing" ]; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "deps: installing$$missing"; \
	    export DEBIAN_FRONTEND=noninteractive; \
	    apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing || exit 1; \
	  else \
	    echo "deps: missing Debian packages:$$missing"; \
	    echo "deps: run this, then make again:"; \
	    echo "  sudo apt-get install -y$$missing"; \
	    exit 1; \
	  fi; \
	fi
	@mkdir -p $(@D) && touch $@

# ---- build ------------------------------------------------------------------------------------

$(BUILD)/%.o: %.c | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

$(PROTO_LIB): $(PROTO_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

$(SIM_LIB): $(SIM_OBJ)
	@mkdir -p $(@D)
	rm -f $@ && ar rcs $@ $^

# Which build the binary is (plain or MPI): switching relinks it even when its objects are older.
FLAVOR_STAMP := $(dir $(AKASHSIM)).akashsim-$(if $(filter 1,$(MPI)),mpi,plain)

$(FLAVOR_STAMP):
	@mkdir -p $(@D) && touch $@

$(AKASHSIM): $(MAIN_OBJ) $(SIM_LIB) $(PROTO_LIB) $(FLAVOR_STAMP)
	@mkdir -p $(@D)
	@rm -f $(filter-out $(FLAVOR_STAMP),$(wildcard $(dir $@).akashsim-*)); touch $(FLAVOR_STAMP)
	$(CC) $(ALL_CFLAGS) $(MAIN_OBJ) $(SIM_LIB) $(PROTO_LIB) -o $@ $(PKG_LIBS) -lgmp -lm

$(BUILD)/tests/%: tests/%.c $(SIM_LIB) $(PROTO_LIB) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) -Itests $(ALL_CFLAGS) -MMD -MP $< $(SIM_LIB) $(PROTO_LIB) -o $@ $(PKG_LIBS) -lgmp -lm

$(BUILD)/bench/%: bench/%.c $(SIM_LIB) $(PROTO_LIB) | $(DEPS_STAMP)
	@mkdir -p $(@D)
	$(CC) $(CPPFLAGS) $(ALL_CFLAGS) -MMD -MP $< $(SIM_LIB) $(PROTO_LIB) -o $@ $(PKG_LIBS) -lgmp -lm

-include $(PROTO_OBJ:.o=.d) $(SIM_OBJ:.o=.d) $(MAIN_OBJ:.o=.d) $(TEST_BIN:=.d) $(BENCH_BIN:=.d)

# ---- the two commands -------------------------------------------------------------------------

RUN_SCENARIO := scenarios/baseline.json
RUN_DB       := results.db

run: $(AKASHSIM)
	./$(AKASHSIM) run $(RUN_SCENARIO) -o $(RUN_DB)

test: test-unit test-replay test-cli $(if $(SAN),,test-mpi)
	@echo "make test: all passed"

test-unit: $(TEST_BIN)
	@set -e; for t in $(TEST_BIN); do echo "== $$t"; ./$$t; done

test-replay: $(AKASHSIM)
	@tests/replay/run.sh ./$(AKASHSIM)

test-cli: $(AKASHSIM)
	@tests/cli/run.sh ./$(AKASHSIM)

# A sweep over two MPI ranks on this machine, against the same sweep run by one process. Not
# under the sanitizers (Open MPI's own allocations would drown the report).
MPI_BUILD := $(BUILD)-mpi
test-mpi: $(AKASHSIM)
	@$(MAKE) --no-print-directory MPI=1 BUILD=$(MPI_BUILD) AKASHSIM=$(MPI_BUILD)/akashsim \
	  $(MPI_BUILD)/akashsim
	@tests/cli/mpi.sh ./$(MPI_BUILD)/akashsim ./$(AKASHSIM)

# ---- performance and sanitizers ---------------------------------------------------------------

bench: $(BENCH_BIN)
	@set -e; for b in $(BENCH_BIN); do ./$$b; done

asan:
	$(MAKE) BUILD=build-asan AKASHSIM=build-asan/akashsim OPT=-O1 \
	  SAN="-fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all" \
	  test

clean:
	rm -rf build build-asan build-mpi build-asan-mpi bin
