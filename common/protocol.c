// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * protocol.c - the session token and the answer of session-open (see
 * protocol.h): written by the helper with pn_answer_add(), read by the
 * module with pn_answer_parse(). Pure code, built into both, so the two
 * sides cannot disagree on the format; it never logs (callers do).
 *
 * The parser is strict where a lax one could move a login somewhere it
 * should not go: an unknown action, a key given twice (the last one would
 * win, so one stray line could change the namespace), a cut line, a value
 * that does not fit. It ignores keys it does not use, as it always did, so
 * the helper may say more than the module needs.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <unistd.h>

#include "protocol.h"

#define KEY_CHARS	"abcdefghijklmnopqrstuvwxyz_"
#define HEX_DIGITS	"0123456789abcdef"

void pn_token_format(char buf[PN_TOKEN_LEN + 1],
		     const unsigned char rnd[PN_TOKEN_RANDOM])
{
	buf[0] = PN_TOKEN_PREFIX;
	for (size_t i = 0; i < PN_TOKEN_RANDOM; i++) {
		buf[1 + 2 * i] = HEX_DIGITS[rnd[i] >> 4];
		buf[2 + 2 * i] = HEX_DIGITS[rnd[i] & 0xf];
	}
	buf[PN_TOKEN_LEN] = '\0';
}

bool pn_token_ok(const char *s)
{
	return s[0] == PN_TOKEN_PREFIX &&
	       strspn(s + 1, HEX_DIGITS) == PN_TOKEN_LEN - 1 &&
	       !s[PN_TOKEN_LEN];
}

static int kv_add(char *buf, size_t len, size_t max, const char *key,
		  const char *value)
{
	size_t used = strlen(buf);
	size_t add = strlen(key) + 1 + strlen(value) + 1;

	if (strchr(value, '\n'))
		return -EINVAL;
	if (used + add > max || used + add >= len)
		return -E2BIG;
	snprintf(buf + used, len - used, "%s=%s\n", key, value);
	return 0;
}

int pn_answer_add(char *buf, size_t len, const char *key, const char *value)
{
	return kv_add(buf, len, PN_ANSWER_MAX, key, value);
}

int pn_request_add(char *buf, size_t len, const char *key, const char *value)
{
	return kv_add(buf, len, PN_REQUEST_MAX, key, value);
}

size_t pn_answer_key_len(const char *l, size_t n)
{
	size_t k = strspn(l, KEY_CHARS);

	return k && k < n && l[k] == '=' ? k : 0;
}

/* The keys the parser knows, each allowed once (a bit in a mask). */
enum key {
	K_ACTION, K_NETNS, K_NETNS_INO, K_SESSION, K_NETWORK, K_SCOPE,
	K_RESOLV, K_REASON, K_EXIT, K_UNKNOWN,
};

static const char *const keys[] = {
	[K_ACTION] = PN_KEY_ACTION, [K_NETNS] = PN_KEY_NETNS,
	[K_NETNS_INO] = PN_KEY_NETNS_INO, [K_SESSION] = PN_KEY_SESSION,
	[K_NETWORK] = PN_KEY_NETWORK, [K_SCOPE] = PN_KEY_SCOPE,
	[K_RESOLV] = PN_KEY_RESOLV, [K_REASON] = PN_KEY_REASON,
	[K_EXIT] = PN_KEY_EXIT,
};

static enum key find_key(const char *k, size_t n)
{
	for (size_t i = 0; i < K_UNKNOWN; i++)
		if (strlen(keys[i]) == n && !strncmp(k, keys[i], n))
			return (enum key)i;
	return K_UNKNOWN;
}

/* @v, @n bytes, into @dst of @len; too long is an error. */
static int copy(char *dst, size_t len, const char *v, size_t n)
{
	if (n >= len)
		return -EBADMSG;
	memcpy(dst, v, n);
	dst[n] = '\0';
	return 0;
}

static int parse_action(const char *v, size_t n, enum pn_action *ret)
{
	static const struct { const char *name; enum pn_action a; } acts[] = {
		{ PN_ACTION_JOIN, PN_JOIN }, { PN_ACTION_NONE, PN_NONE },
		{ PN_ACTION_DENY, PN_DENY },
	};

	for (size_t i = 0; i < sizeof(acts) / sizeof(*acts); i++)
		if (strlen(acts[i].name) == n && !strncmp(v, acts[i].name, n)) {
			*ret = acts[i].a;
			return 0;
		}
	return -EBADMSG;
}

/* Decimal digits only, no sign, no overflow. */
static int parse_ino(const char *v, size_t n, unsigned long long *ret)
{
	char num[24], *end;

	if (copy(num, sizeof(num), v, n) || !n ||
	    strspn(num, "0123456789") != n)
		return -EBADMSG;
	errno = 0;
	*ret = strtoull(num, &end, 10);
	return errno ? -EBADMSG : 0;
}

/* An exit code: 0-255 in decimal. */
static int parse_exit(const char *v, size_t n, int *ret)
{
	unsigned long long c;

	if (n > 3 || parse_ino(v, n, &c) || c > 255)
		return -EBADMSG;
	*ret = (int)c;
	return 0;
}

static int parse_value(struct pn_answer *a, enum key k, const char *v,
		       size_t n)
{
	switch (k) {
	case K_ACTION:
		return parse_action(v, n, &a->action);
	case K_NETNS:
		return copy(a->netns, sizeof(a->netns), v, n);
	case K_NETNS_INO:
		return parse_ino(v, n, &a->netns_ino);
	case K_SESSION:
		return copy(a->session, sizeof(a->session), v, n);
	case K_REASON:
		return copy(a->reason, sizeof(a->reason), v,
			    n < sizeof(a->reason) ? n : sizeof(a->reason) - 1);
	case K_EXIT:
		return parse_exit(v, n, &a->exit_code);
	default:
		return 0;	/* network, scope, resolv: not the module's */
	}
}

/* One answer line @l of @n bytes, its key @kn long; *seen: keys so far. */
static int parse_line(struct pn_answer *a, const char *l, size_t n,
		      size_t kn, unsigned *seen)
{
	enum key k = find_key(l, kn);

	if (k != K_UNKNOWN) {
		if (*seen & (1u << k))
			return -EBADMSG;
		*seen |= 1u << k;
	}
	return parse_value(a, k, l + kn + 1, n - kn - 1);
}

int pn_answer_parse(const char *text, struct pn_answer *ret)
{
	unsigned seen = 0;
	size_t size = 0;

	*ret = (struct pn_answer){ .action = PN_NONE, .exit_code = -1 };
	for (const char *l = text; *l; ) {
		size_t n = strcspn(l, "\n"), kn = pn_answer_key_len(l, n);

		if (kn && (l[n] != '\n' || (size += n + 1) > PN_ANSWER_MAX ||
			   parse_line(ret, l, n, kn, &seen)))
			return -EBADMSG;
		l += n + (l[n] == '\n');
	}
	if (!(seen & (1u << K_ACTION)))
		return -EBADMSG;
	if (ret->action == PN_JOIN &&
	    (name_check_netns(ret->netns) != NAME_OK || !ret->netns_ino ||
	     !pn_token_ok(ret->session)))
		return -EBADMSG;
	return 0;
}

int pn_answer_exit(const char *text)
{
	size_t len = strlen(text), k = sizeof(PN_KEY_EXIT);	/* "exit=" */
	const char *l;
	int code;

	if (!len || text[len - 1] != '\n')
		return -EBADMSG;
	for (l = text + len - 1; l > text && l[-1] != '\n'; l--)
		;
	if (strncmp(l, PN_KEY_EXIT "=", k) ||
	    parse_exit(l + k, (size_t)(text + len - 1 - (l + k)), &code))
		return -EBADMSG;
	return code;
}

/* ---- the service's requests ---- */

int pn_service_connect(int timeout_s, unsigned *peer_uid)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	struct timeval tv = { .tv_sec = timeout_s };
	struct ucred cred;
	socklen_t cl = sizeof(cred);
	int fd = socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0), r = 0;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s", PN_SOCKET_PATH);
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv,
				 sizeof(tv)) ||
	    connect(fd, (struct sockaddr *)&a, sizeof(a)) ||
	    getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &cl)) {
		r = -errno;
	} else if (cred.uid != 0) {
		*peer_uid = (unsigned)cred.uid;
		r = -EPERM;
	}
	if (r && fd >= 0)
		(void)close(fd);
	return r ? r : fd;
}

enum req_key {
	R_VERB, R_CONFIG, R_USER, R_SERVICE, R_RHOST, R_TTY, R_DEADLINE,
	R_SESSION, R_DEV, R_ADDRESS, R_DNS, R_N
};

static const char *const req_keys[R_N] = {
	[R_VERB] = PN_KEY_VERB, [R_CONFIG] = PN_OPT_CONFIG,
	[R_USER] = PN_OPT_USER, [R_SERVICE] = PN_OPT_SERVICE,
	[R_RHOST] = PN_OPT_RHOST, [R_TTY] = PN_OPT_TTY,
	[R_DEADLINE] = PN_OPT_DEADLINE_MS, [R_SESSION] = PN_OPT_SESSION,
	[R_DEV] = PN_OPT_DEV, [R_ADDRESS] = PN_OPT_ADDRESS,
	[R_DNS] = PN_OPT_DNS,
};

#define BIT(k)		(1u << (k))
/* what each verb takes, and what it must have */
#define OPEN_KEYS	(BIT(R_VERB) | BIT(R_CONFIG) | BIT(R_USER) | \
			 BIT(R_SERVICE) | BIT(R_RHOST) | BIT(R_TTY) | \
			 BIT(R_DEADLINE))
#define OPEN_NEEDS	(BIT(R_VERB) | BIT(R_USER) | BIT(R_SERVICE))
#define CLOSE_KEYS	(BIT(R_VERB) | BIT(R_CONFIG) | BIT(R_DEADLINE) | \
			 BIT(R_SESSION))
#define CLOSE_NEEDS	(BIT(R_VERB) | BIT(R_SESSION))
#define TUNNEL_KEYS	(BIT(R_VERB) | BIT(R_DEV) | BIT(R_ADDRESS) | \
			 BIT(R_DNS))
#define TUNNEL_NEEDS	(BIT(R_VERB) | BIT(R_DEV) | BIT(R_ADDRESS))

static const char **req_field(struct pn_request *r, enum req_key k)
{
	const char **f[R_N] = {
		[R_VERB] = &r->verb, [R_CONFIG] = &r->config,
		[R_USER] = &r->user, [R_SERVICE] = &r->service,
		[R_RHOST] = &r->rhost, [R_TTY] = &r->tty,
		[R_DEADLINE] = &r->deadline_ms, [R_SESSION] = &r->session,
		[R_DEV] = &r->dev, [R_ADDRESS] = &r->address,
		[R_DNS] = &r->dns,
	};

	return f[k];
}

/* One line "key=value" (NUL-terminated in place) into @r. */
static int req_line(struct pn_request *r, char *l, unsigned *seen)
{
	char *eq = strchr(l, '=');
	size_t kn = eq ? (size_t)(eq - l) : 0;

	if (!kn || !eq[1])
		return -EBADMSG;
	for (unsigned k = 0; k < R_N; k++) {
		if (strlen(req_keys[k]) != kn || strncmp(l, req_keys[k], kn))
			continue;
		if (*seen & BIT(k))
			return -EBADMSG;
		*seen |= BIT(k);
		*req_field(r, (enum req_key)k) = eq + 1;
		return 0;
	}
	return -EBADMSG;
}

int pn_request_parse(char *msg, size_t n, struct pn_request *ret)
{
	unsigned seen = 0, takes, needs;

	*ret = (struct pn_request){ 0 };
	if (!n || n > PN_REQUEST_MAX || memchr(msg, '\0', n) ||
	    msg[n - 1] != '\n')
		return -EBADMSG;
	for (char *l = msg; l < msg + n; ) {
		char *nl = memchr(l, '\n', (size_t)(msg + n - l));

		*nl = '\0';
		if (req_line(ret, l, &seen))
			return -EBADMSG;
		l = nl + 1;
	}
	if (!ret->verb)
		return -EBADMSG;
	if (!strcmp(ret->verb, PN_VERB_OPEN)) {
		takes = OPEN_KEYS;
		needs = OPEN_NEEDS;
	} else if (!strcmp(ret->verb, PN_VERB_CLOSE)) {
		takes = CLOSE_KEYS;
		needs = CLOSE_NEEDS;
	} else if (!strcmp(ret->verb, PN_VERB_TUNNEL)) {
		takes = TUNNEL_KEYS;
		needs = TUNNEL_NEEDS;
	} else {
		return -EBADMSG;
	}
	return (seen & ~takes) || (seen & needs) != needs ? -EBADMSG : 0;
}
