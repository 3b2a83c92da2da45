// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_module.c - the built pam_netns.so loads with RTLD_NOW (every
 * symbol it needs resolves), provides both session entry points, and
 * exports nothing else (the version script), like Linux-PAM's
 * tests/tst-dlopen.c; and the module's options (args.c, compiled in here)
 * take what they should and refuse the rest, each with its message.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "tap.h"
#include "../../pam_netns/args.c"

/* pam_syslog() ends here: the last message, for the tests below. */
static char logged[512];

void vsyslog(int prio, const char *fmt, va_list ap)
{
	(void)prio;
	vsnprintf(logged, sizeof(logged), fmt, ap);
}

/* libpam is built with _FORTIFY_SOURCE: its calls arrive here */
void __syslog_chk(int prio, int flag, const char *fmt, ...);
void __syslog_chk(int prio, int flag, const char *fmt, ...)
{
	va_list ap;

	(void)flag;
	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
}

/* pn_parse_args() of one option: its result, the timeout in *ret. */
static int parse_one(const char *arg, int *ret)
{
	const char *argv[] = { arg };
	struct pn_args a;
	int r;

	*logged = '\0';
	r = pn_parse_args(NULL, 1, argv, &a);
	*ret = a.timeout;
	return r;
}

static void options(void)
{
	static const char *const bad[] = { "timeout=4", "timeout=301",
		"timeout=", "timeout=ten", "timeout=10s", "timeout=-30" };
	struct pn_args a;
	int t;

	ok(!pn_parse_args(NULL, 0, NULL, &a) && a.timeout == 30 &&
	   !strcmp(a.helper, HELPER_PATH) && !a.conf && !a.debug,
	   "no options: the defaults (timeout 30 s)");
	ok(!parse_one("timeout=10", &t) && t == 10, "timeout=10");
	ok(!parse_one("timeout=5", &t) && t == 5, "timeout=5, the least");
	ok(!parse_one("timeout=300", &t) && t == 300, "timeout=300, the most");
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char want[128];

		/* libpam says "PAM" for a module without a handle */
		snprintf(want, sizeof(want), "PAM option timeout='%s': not a "
			 "number of seconds from 5 to 300", bad[i] + 8);
		ok(parse_one(bad[i], &t) == -1, "%s is refused", bad[i]);
		is(logged, want, "  and logged");
	}
	ok(!parse_one("frobnicate", &t) && t == 30, "an unknown option is "
	   "ignored");
	is(logged, "PAM unknown option 'frobnicate', ignoring",
	   "  and logged");
}

int main(void)
{
	const char *b = getenv("B");
	char path[4096], cmd[4200], line[256], got[1024] = "";
	void *h;
	FILE *p;

	snprintf(path, sizeof(path), "%s/pam_netns.so", b ? b : "build");
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	ok(h != NULL, "dlopen(%s, RTLD_NOW): %s", path, h ? "ok" : dlerror());
	ok(h && dlsym(h, "pam_sm_open_session"), "pam_sm_open_session");
	ok(h && dlsym(h, "pam_sm_close_session"), "pam_sm_close_session");
	ok(h && !dlsym(h, "pam_sm_authenticate"), "no auth entry point");
	ok(h && !dlsym(h, "pn_enter") && !dlsym(h, "name_check_netns"),
	   "internal functions are not visible");

	snprintf(cmd, sizeof(cmd), "nm -D --defined-only '%s'", path);
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof(line), p)) {
		char *sym = strrchr(line, ' ');

		if (sym)
			strncat(got, sym + 1, sizeof(got) - strlen(got) - 1);
	}
	ok(p && pclose(p) == 0, "nm -D runs");
	is(got, "pam_sm_close_session\npam_sm_open_session\n",
	       "nm -D: only the pam_sm_* session functions are exported");
	if (h)
		dlclose(h);
	options();
	return done_testing();
}
