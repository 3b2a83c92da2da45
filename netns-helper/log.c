// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log.c - stderr logging for netns-helper. The helper's stdout carries its
 * key=value answer to pam_netns.so, so every diagnostic goes to stderr, which
 * the module forwards to syslog.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "log.h"

int log_verbosity = LOG_LVL_INFO;

static const char *const prefix[] = {
	[LOG_LVL_ERR] = "error: ",
	[LOG_LVL_WARN] = "warning: ",
	[LOG_LVL_INFO] = "",
	[LOG_LVL_DEBUG] = "debug: ",
};

static void vlog(enum log_level lvl, const char *fmt, va_list ap)
{
	if ((int)lvl > log_verbosity)
		return;
	fprintf(stderr, "netns-helper: %s", prefix[lvl]);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void log_msg(enum log_level lvl, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(lvl, fmt, ap);
	va_end(ap);
}

void die(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(LOG_LVL_ERR, fmt, ap);
	va_end(ap);
	exit(code);
}
