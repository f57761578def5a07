# Herald: a mailing-list manager.  GNU make.
#
#   make                 build build/herald
#   make check           unit and end-to-end tests (quick start, step two)
#   make demo            the main job on the embedded default (step one)
#   make bounce-eval     the bounce detector on ../shared's labelled corpus
#   make install         honours PREFIX and DESTDIR
#   make SANITIZE=1 ...  the same with AddressSanitizer and UBSan

PREFIX     ?= /usr/local
DESTDIR    ?=
BINDIR     ?= $(PREFIX)/bin
DATADIR    ?= $(PREFIX)/share/herald
SYSCONFDIR ?= /etc/herald

CC      ?= gcc
CFLAGS  ?= -O2 -g
LDFLAGS ?=

ifeq ($(SANITIZE),1)
BUILD   ?= build/sanitize
SANFLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=undefined
else
BUILD   ?= build
SANFLAGS =
endif

PKGS     = libcurl sqlite3 libconfuse gmime-3.0 libcrypto libmicrohttpd \
	   libpsl gumbo
# Third-party headers are system headers: their warnings are not ours.
PKG_CFLAGS := $(patsubst -I%,-isystem %,$(shell pkg-config --cflags $(PKGS)))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS)) -lcsv -lresolv

WARN = -Wall -Wextra -Wshadow -Wformat=2 \
       -Wstrict-prototypes -Wmissing-prototypes -Wold-style-definition \
       -Wpointer-arith -Wwrite-strings -Wvla -Wundef -Wcast-align \
       -Wimplicit-fallthrough -Wnull-dereference -Wdouble-promotion
ifeq ($(WERROR),1)
WARN += -Werror
endif

# make V=1 shows the commands.
ifeq ($(V),1)
Q =
else
Q = @
endif

ALL_CFLAGS = -std=c17 -D_GNU_SOURCE -Iinclude $(PKG_CFLAGS) $(WARN) \
	     $(SANFLAGS) $(CFLAGS) -DHERALD_DATADIR='"$(DATADIR)"' -MMD -MP
ALL_LDFLAGS = $(SANFLAGS) $(LDFLAGS)

SRCS := $(wildcard src/*.c)
TEMPLATES := $(sort $(wildcard etc/templates/*.txt))
OBJS := $(SRCS:src/%.c=$(BUILD)/obj/%.o) $(BUILD)/obj/templates.o
LIB_OBJS := $(filter-out $(BUILD)/obj/main.o,$(OBJS))

UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)
CHECK_LIBS := $(shell pkg-config --libs check)

.PHONY: all check unit e2e demo install uninstall clean bench bounce-eval

all: $(BUILD)/herald

$(BUILD)/herald: $(OBJS)
	@echo "  LD      $@"
	$(Q)$(CC) $(ALL_LDFLAGS) -o $@ $(OBJS) $(PKG_LIBS)

$(BUILD)/obj/%.o: src/%.c | $(BUILD)/obj
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The shipped templates, compiled in as C strings.
$(BUILD)/gen/templates.c: $(TEMPLATES) Makefile | $(BUILD)/gen
	@echo "  GEN     $@"
	$(Q){ echo '/* Made by make from etc/templates; do not edit. */'; \
	  echo '#include <stddef.h>'; echo '#include "template.h"'; \
	  echo 'const struct template_builtin template_builtins[] = {'; \
	  for f in $(TEMPLATES); do \
	    printf '\t{ "%s",\n' "$$(basename $$f .txt)"; \
	    sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t  "/' \
	        -e 's/$$/\\n"/' $$f; \
	    printf '\t},\n'; \
	  done; \
	  printf '\t{ NULL, NULL }\n};\n'; } > $@

$(BUILD)/obj/templates.o: $(BUILD)/gen/templates.c | $(BUILD)/obj
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -c -o $@ $<

$(BUILD)/obj $(BUILD)/tests $(BUILD)/gen:
	mkdir -p $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS) | $(BUILD)/tests
	@echo "  CC      $<"
	$(Q)$(CC) $(ALL_CFLAGS) -o $@ $< $(LIB_OBJS) $(ALL_LDFLAGS) \
	    $(PKG_LIBS) $(CHECK_LIBS)

unit: $(UNIT_BINS)
	@set -e; for t in $(UNIT_BINS); do \
	    CK_VERBOSITY=normal HERALD_SRCDIR=$(CURDIR) $$t; done

e2e: $(BUILD)/herald
	HERALD=$(CURDIR)/$(BUILD)/herald tests/e2e/run.sh

check: unit e2e

# HERALD_SHARED overrides where ../shared is; EVAL_ARGS go to score.py
# (--errors, --by-source).
bounce-eval: $(BUILD)/herald
	HERALD=$(CURDIR)/$(BUILD)/herald \
	    HERALD_SHARED=$(or $(HERALD_SHARED),$(CURDIR)/../shared) \
	    tests/bounce-eval.sh $(EVAL_ARGS)

demo:
	sh contrib/demo/demo.sh

bench: $(BUILD)/herald
	HERALD=$(CURDIR)/$(BUILD)/herald tests/bench/bench.sh

install: $(BUILD)/herald
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SYSCONFDIR)
	install -d $(DESTDIR)$(DATADIR)
	install -m 755 $(BUILD)/herald $(DESTDIR)$(BINDIR)/herald
	install -m 644 etc/herald.conf $(DESTDIR)$(SYSCONFDIR)/herald.conf.example

uninstall:
	rm -f $(DESTDIR)$(BINDIR)/herald
	rm -f $(DESTDIR)$(SYSCONFDIR)/herald.conf.example

clean:
	rm -rf build

-include $(OBJS:.o=.d)
