// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * conf_scan.c - the raw text checks of a policy file, before libconfig
 * 1.5 reads it (conf_prescan(), conf_parse.h): libconfig would stop at a
 * NUL byte, read any file an @include names, and store an integer literal
 * in an int without a range check. The scanner follows libconfig's lexer
 * only as far as these checks need.
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "conf_parse.h"

enum scan_state { SCAN_CODE, SCAN_STRING, SCAN_LINE_COMMENT, SCAN_COMMENT };

/* Whether all @n bytes at @s are in @set (@s need not be NUL-terminated). */
static bool all_in(const char *s, size_t n, const char *set)
{
	for (size_t i = 0; i < n; i++)
		if (!s[i] || !strchr(set, s[i]))
			return false;
	return true;
}

/*
 * libconfig 1.5 stores a decimal or hex literal in an int without a range
 * check: "port = 4294967376" would read as 80. Refuse what does not fit
 * (64-bit literals carry an 'L' and are read correctly).
 */
static int check_integer(struct parser *p, int line, const char *w, size_t n)
{
	char buf[32];
	size_t sign = (w[0] == '-' || w[0] == '+');
	bool hex = n > 2 && w[0] == '0' && (w[1] == 'x' || w[1] == 'X');
	long long v;

	if (hex ? !all_in(w + 2, n - 2, "0123456789abcdefABCDEF") :
		  (sign == n || !all_in(w + sign, n - sign, "0123456789")))
		return 0;
	if (n >= sizeof(buf))
		goto range;
	memcpy(buf, w, n);
	buf[n] = '\0';
	errno = 0;
	v = strtoll(buf, NULL, hex ? 16 : 10);
	if (!errno && v >= INT_MIN && v <= INT_MAX)
		return 0;
range:
	return conf_fail_at(p, line, "integer %.*s is out of range",
		       (int)(n > 24 ? 24 : n), w);
}

/* Length of the run of characters at @s that libconfig reads as one token. */
static size_t word_len(const char *s, size_t len)
{
	static const char word[] = "abcdefghijklmnopqrstuvwxyz"
				   "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_*.+-";
	size_t i = 0;

	while (i < len && s[i] && strchr(word, s[i]))
		i++;
	return i;
}

struct scanner {
	enum scan_state state;
	int line;
	char last;		/* first byte of the last token of code */
	char *comma;		/* a ',' that may end a list, or NULL */
};

/*
 * A ',' right before ')' or ']' ends a list with a comma after its last
 * entry, as the documented examples write lists; libconfig 1.5 refuses
 * it, so it is blanked (the line numbers stay). "( , )" is left alone
 * for libconfig to refuse.
 */
static void scan_punct(struct scanner *sc, char *s)
{
	if (*s == ',' && !strchr("([,", sc->last))
		sc->comma = s;
	else if ((*s == ')' || *s == ']') && sc->comma)
		*sc->comma = ' ';
	if (*s != ',')
		sc->comma = NULL;
	sc->last = *s;
}

/* A token of code (outside strings and comments): @used bytes of it. */
static int scan_code(struct parser *p, struct scanner *sc, char *s,
		     size_t len, size_t *used)
{
	size_t n = word_len(s, len);

	*used = 1;
	if (strchr(" \t\n\r\f\v", s[0]))
		return 0;
	if (s[0] == '@')
		return conf_fail_at(p, sc->line, "@include is not allowed");
	if (s[0] == '#' || (len > 1 && s[0] == '/' && s[1] == '/')) {
		sc->state = SCAN_LINE_COMMENT;
		return 0;
	}
	if (len > 1 && s[0] == '/' && s[1] == '*') {
		sc->state = SCAN_COMMENT;
		*used = 2;
		return 0;
	}
	scan_punct(sc, s);
	if (s[0] == '"')
		sc->state = SCAN_STRING;
	if (!n)
		return 0;
	*used = n;
	return check_integer(p, sc->line, s, n);
}

/* One step inside a string or a comment: @used bytes, maybe its end. */
static void scan_skip(struct scanner *sc, const char *s, size_t len,
		      size_t *used)
{
	bool two = len > 1 && s[1] != '\0';

	*used = 1;
	if (sc->state == SCAN_STRING && s[0] == '\\' && two) {
		*used = 2;	/* an escaped quote does not end the string */
	} else if ((sc->state == SCAN_STRING && s[0] == '"') ||
		   (sc->state == SCAN_LINE_COMMENT && s[0] == '\n')) {
		sc->state = SCAN_CODE;
	} else if (sc->state == SCAN_COMMENT && s[0] == '*' && two &&
		   s[1] == '/') {
		sc->state = SCAN_CODE;
		*used = 2;
	}
}

/*
 * Refuse what libconfig must never see: NUL bytes (it would stop reading
 * there), "@include" (it would read any file; any '@' outside a string
 * or comment is refused, as libconfig has no other use for it) and
 * integers it would silently truncate; blank commas after the last entry
 * of a list. The scanner follows libconfig's lexer: "..." strings with
 * backslash escapes, #, // and slash-star comments.
 */
int conf_prescan(struct parser *p, char *s, size_t len)
{
	struct scanner sc = { .state = SCAN_CODE, .line = 1, .last = '(' };
	size_t used;

	for (size_t i = 0; i < len; i += used) {
		int r = 0;

		if (s[i] == '\0')
			return conf_fail_at(p, sc.line, "contains a NUL byte");
		if (sc.state == SCAN_CODE)
			r = scan_code(p, &sc, s + i, len - i, &used);
		else
			scan_skip(&sc, s + i, len - i, &used);
		if (r)
			return r;
		for (size_t k = 0; k < used; k++)
			sc.line += s[i + k] == '\n';
	}
	return 0;
}
