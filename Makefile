# kontakt -- build, test, lint, fuzz, bench.
#   make            library and build/kontakt
#   make test       unit tests + golden cases (the README's test command)
#   make test SAN=1 the same under AddressSanitizer + UBSan (in build-san/)
#   make fuzz       a short libFuzzer run of the case parser (clang)
#   make bench      the benchmarks in bench/ (figures: bench/README.md)
#   make run        the server on a demo store (prints the address and tokens)
CC      ?= cc
SAN     ?= 0
SHARED  ?= ../shared

ifeq ($(SAN),1)
BUILD   ?= build-san
OPT     = -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer
else
BUILD   ?= build
OPT     = -O2 -g
endif

CFLAGS  ?=
CFLAGS  += -std=c11 -Istore -Iserver -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
           -Wformat=2 -Wvla -D_POSIX_C_SOURCE=200809L -Iinclude -Isrc $(OPT)
LDFLAGS += $(OPT)
# libkontakt (src/) needs only jansson; the store (store/) adds SQLite and the
# server (server/) libmicrohttpd. The CLI links all three.
LIBS       = -ljansson
STORE_LIBS = -lsqlite3 -lnettle
SERVER_LIBS = -lmicrohttpd

# PostgreSQL (store/db_pg.c) when libpq is found, by pkg-config or by
# pg_config with libpq-fe.h present; without it the build is SQLite only and
# a postgresql:// store is refused. `make PG=0` builds without it anyway.
PG ?= 1
ifeq ($(PG),1)
PQ_INC := $(shell pkg-config --exists libpq 2>/dev/null && pkg-config --variable=includedir libpq 2>/dev/null || pg_config --includedir 2>/dev/null)
ifneq ($(PQ_INC),)
ifneq ($(wildcard $(PQ_INC)/libpq-fe.h),)
PQ_LIBS := $(shell pkg-config --exists libpq 2>/dev/null && pkg-config --libs libpq 2>/dev/null || echo "-L$$(pg_config --libdir) -lpq")
CFLAGS     += -DKS_HAVE_PG -I$(PQ_INC)
STORE_LIBS += $(PQ_LIBS)
endif
endif
endif

LIB_SRC  = $(wildcard src/*.c)
LIB_OBJ  = $(LIB_SRC:%.c=$(BUILD)/%.o)
STORE_SRC = $(wildcard store/*.c)
STORE_OBJ = $(STORE_SRC:%.c=$(BUILD)/%.o)
# assets_gen.c is generated into $(BUILD)/server/ (below), never into the tree.
SERVER_SRC = $(filter-out server/assets_gen.c,$(wildcard server/*.c))
SERVER_OBJ = $(SERVER_SRC:%.c=$(BUILD)/%.o) $(BUILD)/server/assets_gen.o
CLI_SRC  = $(wildcard cli/*.c)
CLI_OBJ  = $(CLI_SRC:%.c=$(BUILD)/%.o)
ALL_LIBS = $(BUILD)/libkontakt-server.a $(BUILD)/libkontakt-store.a $(BUILD)/libkontakt.a \
           $(SERVER_LIBS) $(STORE_LIBS) $(LIBS) -lpthread
TEST_SRC = $(wildcard tests/test_*.c)
TEST_BIN = $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)

.PHONY: all test clean fuzz bench lint format run store-libs
all: $(BUILD)/kontakt

$(BUILD)/%.o: %.c $(wildcard include/*.h src/*.h cli/*.h store/*.h server/*.h)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libkontakt.a: $(LIB_OBJ)
	ar rcs $@ $^

$(BUILD)/libkontakt-store.a: $(STORE_OBJ)
	@rm -f $@
	ar rcs $@ $^

# The web UI and the OpenAPI document, embedded: generated C in the build
# directory (gen-assets.sh needs only sh, od, awk, cksum), compiled like server/*.c.
$(BUILD)/server/assets_gen.c: server/gen-assets.sh server/openapi.json $(wildcard server/ui/*)
	@mkdir -p $(dir $@)
	server/gen-assets.sh $@

$(BUILD)/server/assets_gen.o: $(BUILD)/server/assets_gen.c server/srv.h $(wildcard include/*.h)
	$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/libkontakt-server.a: $(SERVER_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(BUILD)/kontakt: $(CLI_OBJ) $(BUILD)/libkontakt.a $(BUILD)/libkontakt-store.a $(BUILD)/libkontakt-server.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(ALL_LIBS)

$(BUILD)/tests/%: tests/%.c tests/testutil.h $(BUILD)/libkontakt.a $(BUILD)/libkontakt-store.a $(BUILD)/libkontakt-server.a
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -Itests $< -o $@ $(ALL_LIBS) -lcmocka

test: $(BUILD)/kontakt $(TEST_BIN)
	BUILD=$(BUILD) SHARED=$(SHARED) tests/run-tests.sh

fuzz:
	tests/fuzz-smoke.sh

bench: $(BUILD)/kontakt
	bench/run.sh

# What a program linked with libkontakt-store.a needs (bench/store.sh)
store-libs:
	@echo $(STORE_LIBS) $(LIBS)

run: $(BUILD)/kontakt
	BUILD=$(BUILD) server/run-demo.sh

lint:
	clang-tidy $(LIB_SRC) $(CLI_SRC) -- -std=c11 -Iinclude -Isrc -D_POSIX_C_SOURCE=200809L
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability -Iinclude -Isrc src cli

format:
	clang-format -i include/*.h src/*.[ch] cli/*.[ch] tests/*.[ch] bench/*.c fuzz/*.c

clean:
	rm -rf build build-san build-fuzz
