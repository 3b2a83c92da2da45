// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_module.c - the built pam_netns.so loads with RTLD_NOW (every
 * symbol it needs resolves), provides both session entry points, and
 * exports nothing else (the version script), like Linux-PAM's
 * tests/tst-dlopen.c.
 */
#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

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
	return done_testing();
}
