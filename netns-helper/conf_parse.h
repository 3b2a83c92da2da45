/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * conf_parse.h - what the parts of the policy parser share: the parser's
 * state, its "FILE:LINE: WHAT MESSAGE" errors, the raw text checks done
 * before libconfig reads a file (conf_scan.c), and the typed getters of
 * conf.c that each network kind's parser (net_*.c) is built from.
 *
 * Only the parser's files include this; the rest of the helper sees the
 * parsed policy (conf.h).
 */
#ifndef PN_CONF_PARSE_H
#define PN_CONF_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include <libconfig.h>

#include "conf.h"

struct parser {
	const char *name;	/* the file, as messages call it: one of
				 * c->files, so networks and rules point to it */
	bool dropin;		/* not the main file */
	struct conf *c;
	char *err;
	size_t errlen;
	char what[64];		/* "network 'lab': ", "rule: " or "" */
};

/*
 * conf_fail_at() - store "NAME:LINE: WHAT MESSAGE" (or "NAME: ..." when
 * @line is 0) in the parser's error buffer.
 * Return: -EINVAL
 */
__attribute__((format(printf, 3, 4)))
int conf_fail_at(struct parser *p, int line, const char *fmt, ...);

/*
 * conf_prescan() - refuse what libconfig must never see (NUL bytes,
 * @include, integers it would truncate) in the @len bytes at @s, and blank
 * the commas after the last entry of a list. Errors through @p.
 * Return: 0, or -EINVAL
 */
int conf_prescan(struct parser *p, char *s, size_t len);

#endif
