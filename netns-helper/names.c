// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * names.c - validation and derivation of network, namespace and interface
 * names (see names.h for the scheme that keeps derived names distinct).
 *
 * Pure code: no I/O, no logging. Compiled into both netns-helper and
 * pam_netns.so.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "names.h"

static bool is_lower_alnum(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Check @s against a character class; the first byte has its own class. */
static enum name_err check_chars(const char *s, size_t max, const char *extra,
				 const char *first_extra)
{
	size_t len = strnlen(s, max + 1);

	if (!len)
		return NAME_EMPTY;
	if (len > max)
		return NAME_TOO_LONG;
	for (size_t i = 0; i < len; i++) {
		const char *ok = i ? extra : first_extra;

		if (!is_lower_alnum(s[i]) && !strchr(ok, s[i]))
			return NAME_BAD_CHAR;
	}
	return NAME_OK;
}

enum name_err name_check_network(const char *s)
{
	enum name_err e = check_chars(s, NET_NAME_MAX, "_-", "_");

	/* "host" and "deny" are rule verdicts, not networks. */
	if (!e && (!strcmp(s, "host") || !strcmp(s, "deny")))
		e = NAME_RESERVED;
	return e;
}

enum name_err name_check_netns(const char *s)
{
	enum name_err e = check_chars(s, NETNS_NAME_MAX, "_.-", "_");

	/* Never "." or "..", and no empty component: NAME stays one path
	 * element under NETNS_RUN_DIR. */
	if (!e && strstr(s, ".."))
		e = NAME_BAD_CHAR;
	return e;
}

enum name_err name_check_ifname(const char *s)
{
	size_t len = strnlen(s, IFNAME_MAX + 1);

	if (!len)
		return NAME_EMPTY;
	if (len > IFNAME_MAX)
		return NAME_TOO_LONG;
	if (!strcmp(s, ".") || !strcmp(s, ".."))
		return NAME_RESERVED;
	for (size_t i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		/* The kernel's dev_valid_name(): no '/', ':' or whitespace. */
		if (c <= ' ' || c == '/' || c == ':' || c >= 0x7f)
			return NAME_BAD_CHAR;
	}
	return NAME_OK;
}

const char *name_err_str(enum name_err e, size_t limit,
			 char buf[NAME_ERR_MAX])
{
	switch (e) {
	case NAME_OK:
		return "is valid";
	case NAME_EMPTY:
		return "is empty";
	case NAME_TOO_LONG:
		snprintf(buf, NAME_ERR_MAX, "is longer than %zu bytes", limit);
		return buf;
	case NAME_BAD_CHAR:
		return "contains a character other than a-z 0-9 _ -";
	case NAME_RESERVED:
		return "is reserved";
	}
	return "is invalid";
}

bool name_user_part_ok(const char *user)
{
	/* A letter or '_' first: the UID fallback starts with a digit. */
	return check_chars(user, USER_PART_MAX, "_-", "_") == NAME_OK &&
	       !(user[0] >= '0' && user[0] <= '9');
}

static int user_part(const char *network, const char *user, uid_t uid,
		     char *buf, size_t len)
{
	int n;

	if (name_check_network(network))
		return -EINVAL;
	if (name_user_part_ok(user))
		n = snprintf(buf, len, "%s.%s", network, user);
	else
		n = snprintf(buf, len, "%s.%u", network, (unsigned)uid);
	if (n < 0 || (size_t)n >= len || n > NETNS_NAME_MAX)
		return -ENAMETOOLONG;
	return 0;
}

int name_netns_user(const char *network, const char *user, uid_t uid,
		    char *buf, size_t len)
{
	return user_part(network, user, uid, buf, len);
}

int name_netns_session(const char *network, const char *user, uid_t uid,
		       uint32_t serial, char *buf, size_t len)
{
	char base[NETNS_NAME_MAX + 1];
	int r = user_part(network, user, uid, base, sizeof(base));
	int n;

	if (r)
		return r;
	n = snprintf(buf, len, "%s.%u", base, (unsigned)serial);
	if (n < 0 || (size_t)n >= len || n > NETNS_NAME_MAX)
		return -ENAMETOOLONG;
	return 0;
}

int name_ifname(char role, uint32_t id, char *buf, size_t len)
{
	int n;

	if (!is_lower_alnum(role))
		return -EINVAL;
	n = snprintf(buf, len, "pn%c%x", role, (unsigned)id);
	if (n < 0 || (size_t)n >= len || n > IFNAME_MAX)
		return -ENAMETOOLONG;
	return 0;
}

bool name_ifname_ours(const char *ifname)
{
	size_t n = strlen(ifname);

	return n > 3 && !strncmp(ifname, "pn", 2) && ifname[2] >= 'a' &&
	       ifname[2] <= 'z' && strspn(ifname + 3, "0123456789abcdef") ==
	       n - 3;
}
