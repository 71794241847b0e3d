# Makefile: builds ./berth (flex/bison front end, C11), installs missing
# Debian packages first, checks the bundled policies, runs every test.
#   make            build ./berth and check policies/*.ports
#   make test       unit tests (also under ASan/UBSan) and golden tests
#   make clean

CC      ?= cc
WARN     = -std=c11 -Wall -Wextra -Wpedantic -Werror
CFLAGS  ?= -O2 -g
CPPFLAGS = -D_XOPEN_SOURCE=700 -Isrc -Ibuild
# Generated scanner/parser code gets narrower flags: its warnings are not ours.
GENWARN  = -std=c11 -Wall -Werror -Wno-unused-function -Wno-sign-compare
LUA_CFLAGS = $(shell pkg-config --cflags lua5.4 2>/dev/null)
LUA_LIBS   = $(shell pkg-config --libs lua5.4 2>/dev/null)
CMOCKA_LIBS = $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

DEBS     = flex bison liblua5.4-dev libcmocka-dev pkg-config python3 python3-jsonschema \
           graphviz g++ cmake mandoc
SRC      = $(wildcard src/*.c)
OBJ      = $(SRC:src/%.c=build/%.o) build/lexer.o build/parser.o
LIBOBJ   = $(filter-out build/main.o,$(OBJ))
POLICIES = $(sort $(wildcard policies/*.ports))

all: berth
	./berth check $(POLICIES)
	@$(MAKE) --no-print-directory generated

.PHONY: all deps test clean generated

# The bundled policies compiled into generated/ (committed; the tests fail
# when it is stale). berth rewrites a file only when its content changes.
GEN_C    = ./berth gen c -o generated/c --name berth_policy $(POLICIES)
GEN_DOCS = ./berth gen docs -o generated/docs --site example $(POLICIES)
generated: berth
	$(GEN_C)
	$(GEN_DOCS)

# Install what a fresh Debian machine lacks, as root or through sudo.
build/.deps:
	@mkdir -p build
	@missing=""; for p in $(DEBS); do \
	  dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'ok installed' || \
	    missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing:$$missing"; \
	  if [ "$$(id -u)" = 0 ]; then SUDO=; \
	  elif command -v sudo >/dev/null; then SUDO=sudo; \
	  else echo "berth: need root or sudo to install:$$missing" >&2; exit 1; fi; \
	  $$SUDO apt-get update -qq && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$missing >/dev/null || exit 1; \
	fi
	@touch $@

deps: build/.deps

build/parser.c build/parser.h: grammar/parser.y | build/.deps
	bison -Wall -Werror --header=build/parser.h -o build/parser.c $<

build/lexer.c build/lexer.h: grammar/lexer.l | build/.deps
	flex --header-file=build/lexer.h -o build/lexer.c $<

build/lexer.o: build/lexer.c build/parser.h
	$(CC) $(GENWARN) $(CFLAGS) $(CPPFLAGS) -MMD -MP -c -o $@ $<

build/parser.o: build/parser.c build/lexer.h
	$(CC) $(GENWARN) $(CFLAGS) $(CPPFLAGS) -MMD -MP -c -o $@ $<

build/%.o: src/%.c build/parser.h build/lexer.h | build/.deps
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) $(LUA_CFLAGS) -MMD -MP -c -o $@ $<

berth: $(OBJ)
	$(CC) $(CFLAGS) -o $@ $(OBJ) $(LUA_LIBS)

-include $(wildcard build/*.d)

# ---- tests ----
# The same sources built again with AddressSanitizer and UBSan: the unit
# tests and the golden tests both run against this build too.
SAN      = -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
SANOBJ   = $(OBJ:build/%.o=build/asan/%.o)
SANLIB   = $(filter-out build/asan/main.o,$(SANOBJ))
UNIT_SRC = $(sort $(wildcard tests/unit/test_*.c))
UNIT     = $(UNIT_SRC:tests/unit/%.c=build/unit/%)
UNIT_SAN = $(UNIT_SRC:tests/unit/%.c=build/asan/unit/%)

build/asan/lexer.o: build/lexer.c build/parser.h
	@mkdir -p build/asan
	$(CC) $(GENWARN) -O1 -g $(SAN) $(CPPFLAGS) -MMD -MP -c -o $@ $<
build/asan/parser.o: build/parser.c build/lexer.h
	@mkdir -p build/asan
	$(CC) $(GENWARN) -O1 -g $(SAN) $(CPPFLAGS) -MMD -MP -c -o $@ $<
build/asan/%.o: src/%.c build/parser.h build/lexer.h | build/.deps
	@mkdir -p build/asan
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) $(LUA_CFLAGS) -MMD -MP -c -o $@ $<
build/asan/berth: $(SANOBJ)
	$(CC) $(SAN) -o $@ $(SANOBJ) $(LUA_LIBS)

build/unit/%: tests/unit/%.c tests/unit/unit.h $(LIBOBJ)
	@mkdir -p build/unit
	$(CC) $(WARN) $(CFLAGS) $(CPPFLAGS) -Itests/unit $(LUA_CFLAGS) -o $@ $< $(LIBOBJ) $(CMOCKA_LIBS) $(LUA_LIBS)
build/asan/unit/%: tests/unit/%.c tests/unit/unit.h $(SANLIB)
	@mkdir -p build/asan/unit
	$(CC) $(WARN) -O1 -g $(SAN) $(CPPFLAGS) -Itests/unit $(LUA_CFLAGS) -o $@ $< $(SANLIB) $(CMOCKA_LIBS) $(LUA_LIBS)

test: berth build/asan/berth $(UNIT) $(UNIT_SAN)
	@tests/run.sh

-include $(wildcard build/asan/*.d)

# ---- install ----
PREFIX  ?= /usr/local
DESTDIR ?=
INSTALL ?= install
LUA_FILES = $(wildcard lua/*.lua)

install: berth
	$(INSTALL) -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/berth/lua \
	  $(DESTDIR)$(PREFIX)/lib/cmake/berth \
	  $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	$(INSTALL) -m 755 berth $(DESTDIR)$(PREFIX)/bin/berth
	$(if $(LUA_FILES),$(INSTALL) -m 644 $(LUA_FILES) $(DESTDIR)$(PREFIX)/share/berth/lua/)
	$(INSTALL) -m 644 cmake/BerthGenerate.cmake $(DESTDIR)$(PREFIX)/lib/cmake/berth/BerthGenerate.cmake
	$(INSTALL) -m 644 docs/berth.1 $(DESTDIR)$(PREFIX)/share/man/man1/berth.1
	$(INSTALL) -m 644 docs/berth.5 $(DESTDIR)$(PREFIX)/share/man/man5/berth.5

# berth as a build step of a make and of a CMake project (tests/run.sh runs it too).
integration: berth
	tests/integration.sh

# Both pages at once, from docs/, so each finds the other.
man-lint:
	cd docs && mandoc -T lint -W all berth.1 berth.5

.PHONY: install integration man-lint

clean:
	rm -rf build berth
