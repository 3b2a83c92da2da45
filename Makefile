# SPDX-License-Identifier: GPL-2.0-or-later
#
# pam_netns - one GNU Makefile for the module, the helper, tests and docs.
#
#   make                  build build/pam_netns.so and build/netns-helper
#   sudo make check       install missing test dependencies, run every test
#   sudo make demo        open real sessions in a throwaway sandbox
#   make bench            measure session cost (see bench/)
#   make deb              the Debian package libpam-netns, in build/deb/
#   make fuzz             fuzz the parsers (FUZZ_SECONDS=N)
#   make install          honours DESTDIR, PREFIX, SYSCONFDIR, SECUREDIR ...
#   V=1                   show the commands;  SANITIZE=1  ASan + UBSan build

PREFIX      ?= /usr
SYSCONFDIR  ?= /etc
RUNSTATEDIR ?= /run
SBINDIR     ?= $(PREFIX)/sbin
MANDIR      ?= $(PREFIX)/share/man
DATADIR     ?= $(PREFIX)/share
UNITDIR     ?= /lib/systemd/system
PKG_CONFIG  ?= pkg-config
SECUREDIR   ?= $(shell $(PKG_CONFIG) --variable=libdir pam 2>/dev/null || echo /lib/x86_64-linux-gnu)/security
VERSION     := 0.1.0

HELPER_PATH   ?= $(SBINDIR)/netns-helper
CONF_PATH     ?= $(SYSCONFDIR)/security/pam_netns.conf
# the policy's drop-ins: its name, .conf replaced by .d (conf_dropin_dir())
CONF_DROPIN_DIR := $(if $(filter %.conf,$(CONF_PATH)),$(CONF_PATH:.conf=.d),$(CONF_PATH).d)
STATE_DIR     ?= $(RUNSTATEDIR)/pam_netns
NETNS_RUN_DIR ?= $(RUNSTATEDIR)/netns
NETNS_ETC_DIR ?= $(SYSCONFDIR)/netns
# where drop-ins for user@UID.service go (systemd_user = true)
SYSTEMD_RUNTIME_DIR ?= $(RUNSTATEDIR)/systemd/system

CC      ?= cc
CFLAGS  ?= -O2 -g
CFLAGS  += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	   -Wshadow -Wformat=2 -Wstrict-prototypes -Wmissing-prototypes \
	   -fno-strict-aliasing -fstack-protector-strong -D_FORTIFY_SOURCE=2 \
	   -fPIC -MMD -MP -D_GNU_SOURCE
DEFS    := -DVERSION='"$(VERSION)"' -DHELPER_PATH='"$(HELPER_PATH)"' \
	   -DCONF_PATH='"$(CONF_PATH)"' -DSTATE_DIR='"$(STATE_DIR)"' \
	   -DNETNS_RUN_DIR='"$(NETNS_RUN_DIR)"' -DNETNS_ETC_DIR='"$(NETNS_ETC_DIR)"' \
	   -DSYSTEMD_RUNTIME_DIR='"$(SYSTEMD_RUNTIME_DIR)"'
ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

HELPER_LIBS = $(shell $(PKG_CONFIG) --libs libmnl libnftnl libcap libconfig)
HELPER_CFLAGS = $(shell $(PKG_CONFIG) --cflags libmnl libnftnl libcap libconfig)
PAM_LIBS = $(shell $(PKG_CONFIG) --libs pam 2>/dev/null || echo -lpam)

ifneq ($(V),1)
Q = @
quiet = @printf '  %-6s %s\n' $(1) $(2);
endif

B := build
# common/: the module-helper protocol, built into both
COMMON_SRCS := $(wildcard common/*.c)
COMMON_OBJS := $(COMMON_SRCS:%.c=$(B)/obj/%.o)
HELPER_SRCS := $(filter-out netns-helper/main.c,$(wildcard netns-helper/*.c))
HELPER_OBJS := $(HELPER_SRCS:%.c=$(B)/obj/%.o) $(COMMON_OBJS)
MODULE_SRCS := $(wildcard pam_netns/*.c)
MODULE_OBJS := $(MODULE_SRCS:%.c=$(B)/obj/%.o) $(B)/obj/pam_netns/names.o $(COMMON_OBJS)
INCLUDES    := -Inetns-helper -Icommon
UNIT_SRCS   := $(wildcard tests/unit/test_*.c)
UNIT_BINS   := $(UNIT_SRCS:%.c=$(B)/%)
TOOL_SRCS   := $(wildcard tests/tools/*.c)
TOOL_BINS   := $(TOOL_SRCS:%.c=$(B)/%)
BENCH_SRCS  := $(wildcard bench/*.c)
BENCH_BINS  := $(BENCH_SRCS:%.c=$(B)/%)

MAN_IN      := $(wildcard man/*.in)
MANS        := $(MAN_IN:man/%.in=$(B)/man/%)
UNIT_IN     := $(wildcard etc/systemd/*.in)
UNITS       := $(UNIT_IN:etc/systemd/%.in=$(B)/systemd/%) $(B)/systemd/netns-helper-gc.timer

all: $(B)/netns-helper $(B)/pam_netns.so $(MANS) $(UNITS)

$(B)/systemd/%.timer: etc/systemd/%.timer
	@mkdir -p $(@D)
	$(Q)cp $< $@

# Man pages and units name the paths this build uses, as iproute2's do.
$(B)/systemd/%: etc/systemd/%.in Makefile
	@mkdir -p $(@D)
	$(call quiet,SED,$@)sed -e 's|@HELPER_PATH@|$(HELPER_PATH)|g' -e 's|@STATE_DIR@|$(STATE_DIR)|g' \
		-e 's|@PN_SOCKET_PATH@|$(STATE_DIR)/service/socket|g' \
		-e 's|@NETNS_RUN_DIR@|$(NETNS_RUN_DIR)|g' \
		-e 's|@SYSTEMD_RUNTIME_DIR@|$(SYSTEMD_RUNTIME_DIR)|g' $< > $@

$(B)/man/%: man/%.in Makefile
	@mkdir -p $(@D)
	$(call quiet,SED,$@)sed -e 's|@VERSION@|$(VERSION)|g' -e 's|@CONF_PATH@|$(CONF_PATH)|g' \
		-e 's|@CONF_DROPIN_DIR@|$(CONF_DROPIN_DIR)|g' -e 's|@SBINDIR@|$(SBINDIR)|g' \
		-e 's|@NETNS_RUN_DIR@|$(NETNS_RUN_DIR)|g' -e 's|@NETNS_ETC_DIR@|$(NETNS_ETC_DIR)|g' \
		-e 's|@STATE_DIR@|$(STATE_DIR)|g' -e 's|@HELPER_PATH@|$(HELPER_PATH)|g' \
		-e 's|@SYSTEMD_RUNTIME_DIR@|$(SYSTEMD_RUNTIME_DIR)|g' \
		-e 's|@SECUREDIR@|$(SECUREDIR)|g' -e 's|@EXAMPLEDIR@|$(EXAMPLEDIR)|g' $< > $@

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(call quiet,CC,$<)$(CC) $(CFLAGS) $(CPPFLAGS) $(DEFS) $(HELPER_CFLAGS) $(INCLUDES) -c -o $@ $<

# The module carries its own copy of the pure name checks.
$(B)/obj/pam_netns/names.o: netns-helper/names.c
	@mkdir -p $(@D)
	$(call quiet,CC,$<)$(CC) $(CFLAGS) $(CPPFLAGS) $(DEFS) $(INCLUDES) -c -o $@ $<

$(B)/libhelper.a: $(HELPER_OBJS)
	$(call quiet,AR,$@)rm -f $@ && $(AR) rcs $@ $^

$(B)/netns-helper: $(B)/obj/netns-helper/main.o $(B)/libhelper.a
	$(call quiet,LD,$@)$(CC) $(LDFLAGS) -o $@ $^ $(HELPER_LIBS)

$(B)/pam_netns.so: $(MODULE_OBJS) pam_netns/pam_netns.map
	$(call quiet,LD,$@)$(CC) $(LDFLAGS) -shared -Wl,--version-script=pam_netns/pam_netns.map \
		-Wl,-z,relro,-z,now -o $@ $(MODULE_OBJS) $(PAM_LIBS)

$(B)/tests/unit/%: tests/unit/%.c $(B)/libhelper.a tests/unit/tap.h
	@mkdir -p $(@D)
	$(call quiet,CC,$<)$(CC) $(CFLAGS) $(CPPFLAGS) $(DEFS) $(HELPER_CFLAGS) $(INCLUDES) -Itests/unit \
		$(LDFLAGS) -o $@ $< $(B)/libhelper.a $(HELPER_LIBS) $(PAM_LIBS) -ldl

$(B)/tests/tools/%: tests/tools/%.c $(B)/libhelper.a
	@mkdir -p $(@D)
	$(call quiet,CC,$<)$(CC) $(CFLAGS) $(CPPFLAGS) $(DEFS) $(HELPER_CFLAGS) $(INCLUDES) -Itests/tools -Itests/unit \
		$(LDFLAGS) -o $@ $< $(B)/libhelper.a $(HELPER_LIBS) $(PAM_LIBS)

$(B)/bench/%: bench/%.c bench/clock.h
	@mkdir -p $(@D)
	$(call quiet,CC,$<)$(CC) $(CFLAGS) $(CPPFLAGS) $(HELPER_CFLAGS) \
		$(LDFLAGS) -o $@ $< $(HELPER_LIBS) $(PAM_LIBS)

# speaks the service's protocol: common/protocol.c from the helper's archive
$(B)/bench/svc-bench: bench/svc-bench.c bench/clock.h $(B)/libhelper.a
	@mkdir -p $(@D)
	$(call quiet,CC,$<)$(CC) $(CFLAGS) $(CPPFLAGS) $(DEFS) $(INCLUDES) \
		$(LDFLAGS) -o $@ $< $(B)/libhelper.a

tests: all $(UNIT_BINS) $(TOOL_BINS)

deps:
	$(Q)sh tests/deps.sh

# `make check` installs what the tests need, then runs them all with prove;
# the module's end-to-end tests a second time with the resident service
# running in their sandbox (PN_VIA=socket, tests/lib.sh), so that both
# ways to the helper pass the same cases.
VIA_SOCKET_TESTS := $(wildcard tests/e2e/30-*.t tests/e2e/31-*.t tests/e2e/32-*.t \
	tests/e2e/33-*.t tests/e2e/34-*.t tests/e2e/36-*.t)
check: deps
	$(Q)$(MAKE) --no-print-directory tests
	$(Q)B=$(abspath $(B)) prove $(PROVE_FLAGS) $(UNIT_BINS) $(sort $(wildcard tests/integration/*.t tests/e2e/*.t)) tests/misc/*.t
	$(Q)B=$(abspath $(B)) PN_VIA=socket prove $(PROVE_FLAGS) $(sort $(VIA_SOCKET_TESTS))

# The unit tests alone: no root, no namespaces (dh_auto_test runs these).
check-unit: $(UNIT_BINS)
	$(Q)prove $(PROVE_FLAGS) $(UNIT_BINS)

# The Debian package libpam-netns (debian/), built from a copy of the files
# git knows in $(B)/deb, which gets the .deb, .changes and .buildinfo. The
# package's own make runs without ours' variables (B=... would make its
# `make clean` remove this build).
DEB_SRC := $(B)/deb/pam-netns-$(VERSION)
deb:
	$(Q)rm -rf $(B)/deb && mkdir -p $(DEB_SRC)
	$(Q)git ls-files -z --cached --others --exclude-standard | \
		(cd "$(CURDIR)" && xargs -0 cp --parents -t "$(abspath $(DEB_SRC))" 2>/dev/null || true)
	$(Q)cd $(DEB_SRC) && env -u MAKEFLAGS -u MFLAGS -u MAKELEVEL -u B \
		dpkg-buildpackage -us -uc -b $(if $(V),,>../build.log 2>&1) || \
		{ tail -n 40 $(abspath $(B))/deb/build.log; exit 1; }
	$(Q)ls $(B)/deb/*.deb

# The helper's tests once more under ASan + UBSan, in a build of their
# own. The e2e tests are left out (sshd, su and pamtester cannot load an
# instrumented module), and so is the valgrind test (ASan and valgrind
# exclude each other).
SAN_B := $(B)/sanitize
check-sanitize: deps
	$(Q)$(MAKE) --no-print-directory B=$(SAN_B) SANITIZE=1 tests
	$(Q)B=$(abspath $(SAN_B)) prove $(PROVE_FLAGS) $(UNIT_BINS:$(B)/%=$(SAN_B)/%) \
		$(filter-out tests/integration/43-valgrind.t,$(sort $(wildcard tests/integration/*.t)))

# The long reliability runs: 10 minutes of soak, 1000 random kills.
soak: deps
	$(Q)$(MAKE) --no-print-directory tests
	$(Q)B=$(abspath $(B)) PN_SOAK_SECONDS=$(or $(SOAK_SECONDS),600) PN_KILL_RUNS=1000 \
		prove -v tests/integration/24-gc.t tests/integration/40-kill-points.t \
		tests/integration/42-soak.t

fuzz: deps
	$(Q)$(MAKE) --no-print-directory -C tests/fuzz B=$(abspath $(B)) FUZZ_SECONDS=$(or $(FUZZ_SECONDS),60)

demo: deps
	$(Q)$(MAKE) --no-print-directory all $(TOOL_BINS)
	$(Q)B=$(abspath $(B)) sh etc/demo.sh

bench: deps
	$(Q)$(MAKE) --no-print-directory all $(BENCH_BINS)
	$(Q)B=$(abspath $(B)) sh bench/run.sh

EXAMPLEDIR ?= $(DATADIR)/doc/pam_netns/examples

# The policy file is never overwritten: an existing one is the admin's.
# The drop-in directory is made empty, for configuration management.
install: all
	install -D -m 0644 $(B)/pam_netns.so $(DESTDIR)$(SECUREDIR)/pam_netns.so
	install -D -m 0755 $(B)/netns-helper $(DESTDIR)$(SBINDIR)/netns-helper
	[ -e $(DESTDIR)$(CONF_PATH) ] || install -D -m 0644 etc/pam_netns.conf $(DESTDIR)$(CONF_PATH)
	install -d -m 0755 $(DESTDIR)$(CONF_DROPIN_DIR)
	install -D -m 0644 $(B)/man/netns-helper.8 $(DESTDIR)$(MANDIR)/man8/netns-helper.8
	install -D -m 0644 $(B)/man/pam_netns.8 $(DESTDIR)$(MANDIR)/man8/pam_netns.8
	install -D -m 0644 $(B)/man/pam_netns.conf.5 $(DESTDIR)$(MANDIR)/man5/pam_netns.conf.5
	install -D -m 0644 etc/pam-configs/netns $(DESTDIR)$(DATADIR)/pam-configs/netns
	install -d $(DESTDIR)$(UNITDIR) $(DESTDIR)$(EXAMPLEDIR)/pam.d
	install -m 0644 $(UNITS) $(DESTDIR)$(UNITDIR)/
	install -D -m 0644 etc/systemd/user@.service.d-pam_netns.conf \
		$(DESTDIR)$(UNITDIR)/user@.service.d/pam_netns.conf
	install -m 0644 etc/pam.d/* $(DESTDIR)$(EXAMPLEDIR)/pam.d/
	install -D -m 0644 etc/dbus/pam_netns-resolve1.conf $(DESTDIR)$(EXAMPLEDIR)/dbus/pam_netns-resolve1.conf
	install -m 0644 etc/pam_netns.conf $(DESTDIR)$(EXAMPLEDIR)/pam_netns.conf

# uninstall refuses, changing nothing, while pam_netns is in use: a PAM
# stack that names the module would fail every login once it is gone, an
# enabled unit would name a missing helper, and the namespaces left (open
# sessions, shared ones) would have no helper to tear them down. It leaves
# the policy file and any drop-ins: they hold the admin's decisions.
UNINSTALL_PAM   = $(DESTDIR)$(SYSCONFDIR)/pam.d
UNINSTALL_UNITS = $(DESTDIR)$(SYSCONFDIR)/systemd/system
UNINSTALL_STATE = $(DESTDIR)$(STATE_DIR)
uninstall:
	@stacks=$$(grep -ls '^[^#]*pam_netns\.so' $(UNINSTALL_PAM)/* 2>/dev/null | tr '\n' ' ' | sed 's/ $$//'); \
	if [ -n "$$stacks" ]; then \
		echo "make uninstall: refused: these PAM stacks name pam_netns.so: $$stacks"; \
		echo "  take it out first (pam-auth-update --disable netns, or remove the lines): a stack naming a missing module fails every login"; \
		exit 1; fi; \
	units=$$(ls -d $(UNINSTALL_UNITS)/*.wants/netns-helper* 2>/dev/null | sed 's|.*/||' | sort -u | tr '\n' ' ' | sed 's/ $$//'); \
	if [ -n "$$units" ]; then \
		echo "make uninstall: refused: these units are enabled: $$units"; \
		echo "  systemctl disable --now them first"; \
		exit 1; fi; \
	ns=$$(ls -A $(UNINSTALL_STATE)/ns 2>/dev/null | grep -v '\.tmp$$' | tr '\n' ' ' | sed 's/ $$//'); \
	if [ -n "$$ns" ]; then \
		echo "make uninstall: refused: namespaces of pam_netns are still there: $$ns"; \
		echo "  log out their sessions (netns-helper list), netns-helper down the shared ones, netns-helper gc, then run it again"; \
		exit 1; fi
	rm -f $(DESTDIR)$(SECUREDIR)/pam_netns.so $(DESTDIR)$(SBINDIR)/netns-helper \
	      $(DESTDIR)$(MANDIR)/man8/netns-helper.8 $(DESTDIR)$(MANDIR)/man8/pam_netns.8 \
	      $(DESTDIR)$(MANDIR)/man5/pam_netns.conf.5 $(DESTDIR)$(DATADIR)/pam-configs/netns \
	      $(addprefix $(DESTDIR)$(UNITDIR)/,$(notdir $(UNITS))) \
	      $(DESTDIR)$(UNITDIR)/user@.service.d/pam_netns.conf
	rmdir $(DESTDIR)$(UNITDIR)/user@.service.d 2>/dev/null || true	# empty only
	rm -rf $(DESTDIR)$(EXAMPLEDIR)
	rmdir $(DESTDIR)$(DATADIR)/doc/pam_netns 2>/dev/null || true
	rmdir $(DESTDIR)$(CONF_DROPIN_DIR) 2>/dev/null || true	# empty only
	@# the records and locks, once nothing is mounted below them
	@if [ -d $(UNINSTALL_STATE) ] && ! grep -q ' $(UNINSTALL_STATE)/' /proc/self/mountinfo; then \
		rm -rf $(UNINSTALL_STATE); fi
	@echo "make uninstall: pam_netns is removed; left as they are:"; \
	[ -e $(DESTDIR)$(CONF_PATH) ] && echo "  $(DESTDIR)$(CONF_PATH) (the policy)"; \
	[ -d $(DESTDIR)$(CONF_DROPIN_DIR) ] && echo "  $(DESTDIR)$(CONF_DROPIN_DIR)/ (the drop-ins:$$(ls -A $(DESTDIR)$(CONF_DROPIN_DIR) | sed 's/^/ /' | tr -d '\n'))"; \
	true

cppcheck:
	cppcheck --quiet --error-exitcode=1 --enable=warning,portability \
		--inline-suppr $(INCLUDES) common netns-helper pam_netns

clean:
	rm -rf $(B)

.PHONY: all tests deps check check-unit check-sanitize soak fuzz demo bench deb cppcheck clean install uninstall

-include $(shell find $(B) -path '$(B)/deb' -prune -o -name '*.d' -type f -print 2>/dev/null)
