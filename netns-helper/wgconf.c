// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wgconf.c - the wg-quick configuration format (see wgconf.h).
 *
 * The parser reads one line at a time, keeps the section it is in, and
 * checks a section for its required keys when the next one starts (or at
 * the end), so that "missing key" errors point at the section's header.
 * It never logs and never resolves a host name: wgconf_resolve() does that
 * afterwards, so the parser stays pure for the unit tests and the fuzzer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "wgconf.h"
#include "util.h"

#define LINE_MAX_LEN	4096

enum section { SEC_NONE, SEC_INTERFACE, SEC_PEER };

struct wgp {
	const char *name;	/* the file, as messages call it */
	char *err;
	size_t errlen;
	int line;
	enum section sec;
	int sec_line;		/* line of the current section's header */
	int iface_line;		/* of [Interface]; 0 = none yet */
	unsigned seen;		/* keys of this section met so far (bits) */
	struct wg_conf *c;
	struct wg_peer *peer;	/* the current [Peer] */
};

/* ---- errors --------------------------------------------------------- */

__attribute__((format(printf, 3, 4)))
static int fail_at(struct wgp *p, int line, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = conf_verr_at(p->err, p->errlen, p->name, line, "", fmt, ap);
	va_end(ap);
	return r;
}

#define fail(p, ...) fail_at((p), (p)->line, __VA_ARGS__)

/* ---- keys and numbers ----------------------------------------------- */

static const char b64_chars[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

static int b64_value(char ch)
{
	const char *at = ch ? strchr(b64_chars, ch) : NULL;

	return at ? (int)(at - b64_chars) : -1;
}

/* Decode padded base64; the decoded length, or -EINVAL. */
static int b64_decode(const char *s, uint8_t *out, size_t cap)
{
	size_t len = strlen(s), n = 0;

	if (!len || len % 4)
		return -EINVAL;
	for (size_t i = 0; i < len; i += 4) {
		int v[4], pad = 0;

		for (int j = 0; j < 4; j++) {
			v[j] = b64_value(s[i + j]);
			if (s[i + j] == '=' && i + 4 == len && j >= 2 &&
			    (j == 3 || s[i + 3] == '=')) {
				v[j] = 0;
				pad++;
			} else if (v[j] < 0) {
				return -EINVAL;
			}
		}
		uint32_t w = (uint32_t)v[0] << 18 | (uint32_t)v[1] << 12 |
			     (uint32_t)v[2] << 6 | (uint32_t)v[3];

		for (int j = 0; j < 3 - pad; j++) {
			if (n < cap)
				out[n] = (uint8_t)(w >> (16 - 8 * j));
			n++;
		}
	}
	return (int)n;
}

int wgconf_b64_key(const char *s, uint8_t key[WG_KEY_LEN])
{
	uint8_t buf[WG_KEY_LEN];
	int n = b64_decode(s, buf, sizeof(buf));

	if (n < 0)
		return n;
	if (n != WG_KEY_LEN)
		return -EMSGSIZE;
	memcpy(key, buf, WG_KEY_LEN);
	return 0;
}

const char *wgconf_key_b64(const uint8_t key[WG_KEY_LEN],
			   char buf[WG_KEY_B64_LEN + 1])
{
	size_t o = 0;

	for (size_t i = 0; i < WG_KEY_LEN; i += 3) {
		uint32_t w = (uint32_t)key[i] << 16;
		size_t have = WG_KEY_LEN - i < 3 ? WG_KEY_LEN - i : 3;

		w |= have > 1 ? (uint32_t)key[i + 1] << 8 : 0;
		w |= have > 2 ? key[i + 2] : 0;
		for (size_t j = 0; j < 4; j++)
			buf[o++] = j <= have ? b64_chars[(w >> (18 - 6 * j)) &
							 63] : '=';
	}
	buf[o] = '\0';
	return buf;
}

const char *wgconf_key_hex(const uint8_t key[WG_KEY_LEN],
			   char buf[2 * WG_KEY_LEN + 1])
{
	for (size_t i = 0; i < WG_KEY_LEN; i++)
		snprintf(buf + 2 * i, 3, "%02x", key[i]);
	return buf;
}

/* A decimal number (or 0x hex with @hex) no larger than @max. */
static int parse_uint(const char *v, bool hex, unsigned long max,
		      unsigned long *ret)
{
	int base = hex && !strncasecmp(v, "0x", 2) ? 16 : 10;
	const char *digits = base == 16 ? v + 2 : v;
	unsigned long n;
	char *end;

	if (!*digits || strspn(digits, base == 16 ? "0123456789abcdefABCDEF" :
			       "0123456789") != strlen(digits))
		return -EINVAL;
	errno = 0;
	n = strtoul(digits, &end, base);
	if (errno || *end || n > max)
		return -ERANGE;
	*ret = n;
	return 0;
}

const char *wgconf_sockaddr_str(const struct sockaddr *sa, char *buf,
				size_t len)
{
	char a[INET6_ADDRSTRLEN] = "?";

	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const void *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else {
		const struct sockaddr_in *s4 = (const void *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	}
	return buf;
}

/* ---- values --------------------------------------------------------- */

static int key_value(struct wgp *p, const char *key, const char *v,
		     uint8_t out[WG_KEY_LEN])
{
	int r = wgconf_b64_key(v, out);

	if (r == -EINVAL)
		return fail(p, "'%s': not valid base64", key);
	if (r)
		return fail(p, "'%s': not a 32-byte key (44 base64 "
			    "characters)", key);
	return 0;
}

static int number(struct wgp *p, const char *key, const char *v,
		  unsigned long min, unsigned long max, unsigned long *ret)
{
	if (parse_uint(v, false, max, ret) || *ret < min)
		return fail(p, "'%s' '%s': not a number from %lu to %lu", key,
			    v, min, max);
	return 0;
}

/* A number, or "off" for 0. */
static int number_off(struct wgp *p, const char *key, const char *v,
		      bool hex, unsigned long max, unsigned long *ret)
{
	*ret = 0;
	if (!strcasecmp(v, "off"))
		return 0;
	if (parse_uint(v, hex, max, ret))
		return fail(p, "'%s' '%s': not 'off' or a number from 0 to "
			    "%lu", key, v, max);
	return 0;
}

static int numeric_host(const char *host, uint16_t port, bool v6,
			struct wg_endpoint *e)
{
	struct sockaddr_in6 *s6 = (void *)&e->sa;
	struct sockaddr_in *s4 = (void *)&e->sa;

	memset(&e->sa, 0, sizeof(e->sa));
	e->salen = 0;
	if (v6 && inet_pton(AF_INET6, host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		e->salen = sizeof(*s6);
	} else if (!v6 && inet_pton(AF_INET, host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		e->salen = sizeof(*s4);
	}
	return e->salen ? 0 : -EINVAL;
}

/* A DNS name as getaddrinfo() would take one: letters, digits, '-', '.'. */
static bool host_name_ok(const char *h)
{
	size_t n = strlen(h);

	return n && n < WG_HOST_MAX && h[0] != '-' && h[0] != '.' &&
	       strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			 "0123456789-.") == n && !strstr(h, "..");
}

static int endpoint(struct wgp *p, const char *key, char *v)
{
	struct wg_endpoint *e = &p->peer->endpoint;
	char *host = v, *colon;
	unsigned long port;
	bool v6 = false;

	if (*v == '[') {
		char *close = strchr(v, ']');

		if (!close || close[1] != ':')
			return fail(p, "'%s' '%s': expected HOST:PORT or "
				    "[IPv6]:PORT", key, v);
		*close = '\0';
		host = v + 1;
		colon = close + 1;
		v6 = true;
	} else {
		colon = strrchr(v, ':');
		if (!colon || colon == v || memchr(v, ':', (size_t)(colon - v)))
			return fail(p, "'%s' '%s': expected HOST:PORT or "
				    "[IPv6]:PORT", key, v);
		*colon = '\0';
	}
	if (parse_uint(colon + 1, false, 65535, &port) || !port)
		return fail(p, "'%s' '%s': port '%s' is not a number from 1 to "
			    "65535", key, host, colon + 1);
	e->port = (uint16_t)port;
	e->salen = 0;
	if (numeric_host(host, e->port, v6, e) && (v6 || !host_name_ok(host)))
		return fail(p, "'%s': '%s' is not an IP%s address%s", key,
			    host, v6 ? "v6" : "", v6 ? "" : " or host name");
	snprintf(e->host, sizeof(e->host), "%s", host);
	p->peer->endpoint_line = p->line;
	return 0;
}

/* ---- lists ---------------------------------------------------------- */

static char *trim(char *s)
{
	char *end;

	while (*s == ' ' || *s == '\t')
		s++;
	end = s + strlen(s);
	while (end > s && (end[-1] == ' ' || end[-1] == '\t'))
		*--end = '\0';
	return s;
}

/* Call @fn for each comma-separated item of @v. */
static int each_item(struct wgp *p, const char *key, char *v,
		     int (*fn)(struct wgp *, const char *, const char *))
{
	char *save = NULL;
	int r = 0;

	if (v[strlen(v) - 1] == ',' || *v == ',' || strstr(v, ",,"))
		return fail(p, "'%s': empty entry in the list", key);
	for (char *t = strtok_r(v, ",", &save); t && !r;
	     t = strtok_r(NULL, ",", &save)) {
		char *item = trim(t);

		r = *item ? fn(p, key, item) :
			    fail(p, "'%s': empty entry in the list", key);
	}
	return r;
}

static int address_item(struct wgp *p, const char *key, const char *v)
{
	struct cidr_list *l = &p->c->address;

	if (l->n == CONF_MAX_LIST)
		return fail(p, "'%s': more than %d addresses", key,
			    CONF_MAX_LIST);
	if (cidr_parse(v, false, &l->v[l->n]))
		return fail(p, "'%s' '%s': not an address/prefix", key, v);
	l->n++;
	return 0;
}

static int dns_item(struct wgp *p, const char *key, const char *v)
{
	struct cidr_list *l = &p->c->dns;

	if (l->n == CONF_MAX_LIST)
		return fail(p, "'%s': more than %d servers", key,
			    CONF_MAX_LIST);
	if (strchr(v, '/') || cidr_parse(v, false, &l->v[l->n]))
		return fail(p, "'%s' '%s': not an IP address (search domains "
			    "are not supported)", key, v);
	l->n++;
	return 0;
}

static void mask_host_bits(struct cidr *c)
{
	unsigned bits = cidr_bits(c);

	for (unsigned i = c->prefix; i < bits; i++)
		c->addr[i / 8] &= (uint8_t)~(0x80u >> (i % 8));
}

static int allowed_item(struct wgp *p, const char *key, const char *v)
{
	struct wg_peer *peer = p->peer;
	struct cidr a;

	if (cidr_parse(v, false, &a))
		return fail(p, "'%s' '%s': not an address/prefix", key, v);
	if (peer->n_allowed == WG_MAX_ALLOWED)
		return fail(p, "'%s': more than %d entries for one peer", key,
			    WG_MAX_ALLOWED);
	/* grow at 0, 1, 2, 4, 8 ... entries */
	if (!(peer->n_allowed & (peer->n_allowed - 1))) {
		size_t cap = peer->n_allowed ? 2 * peer->n_allowed : 1;
		struct cidr *n = realloc(peer->allowed, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		peer->allowed = n;
	}
	mask_host_bits(&a);
	peer->allowed[peer->n_allowed++] = a;
	return 0;
}

/* ---- keys ----------------------------------------------------------- */

static int k_private_key(struct wgp *p, const char *k, char *v)
{
	return key_value(p, k, v, p->c->private_key);
}

static int k_address(struct wgp *p, const char *k, char *v)
{
	return each_item(p, k, v, address_item);
}

static int k_dns(struct wgp *p, const char *k, char *v)
{
	return each_item(p, k, v, dns_item);
}

static int k_mtu(struct wgp *p, const char *k, char *v)
{
	unsigned long n;
	int r = number(p, k, v, 576, 65535, &n);

	p->c->mtu = (unsigned)n;
	return r;
}

static int k_listen_port(struct wgp *p, const char *k, char *v)
{
	unsigned long n;
	int r = number(p, k, v, 0, 65535, &n);

	p->c->listen_port = (uint16_t)n;
	p->c->has_listen_port = !r;
	return r;
}

static int k_fwmark(struct wgp *p, const char *k, char *v)
{
	unsigned long n;
	int r = number_off(p, k, v, true, UINT32_MAX, &n);

	p->c->fwmark = (uint32_t)n;
	return r;
}

static int k_public_key(struct wgp *p, const char *k, char *v)
{
	return key_value(p, k, v, p->peer->public_key);
}

static int k_psk(struct wgp *p, const char *k, char *v)
{
	p->peer->has_psk = true;
	return key_value(p, k, v, p->peer->preshared_key);
}

static int k_allowed(struct wgp *p, const char *k, char *v)
{
	return each_item(p, k, v, allowed_item);
}

static int k_keepalive(struct wgp *p, const char *k, char *v)
{
	unsigned long n;
	int r = number_off(p, k, v, false, 65535, &n);

	p->peer->keepalive = (uint16_t)n;
	return r;
}

static const struct key {
	const char *name;
	enum section sec;
	bool repeats;		/* a list that may be given on several lines */
	int (*fn)(struct wgp *p, const char *key, char *v);
} keys[] = {
	{ "PrivateKey", SEC_INTERFACE, false, k_private_key },
	{ "Address", SEC_INTERFACE, true, k_address },
	{ "DNS", SEC_INTERFACE, true, k_dns },
	{ "MTU", SEC_INTERFACE, false, k_mtu },
	{ "ListenPort", SEC_INTERFACE, false, k_listen_port },
	{ "FwMark", SEC_INTERFACE, false, k_fwmark },
	{ "PublicKey", SEC_PEER, false, k_public_key },
	{ "PresharedKey", SEC_PEER, false, k_psk },
	{ "Endpoint", SEC_PEER, false, endpoint },
	{ "AllowedIPs", SEC_PEER, true, k_allowed },
	{ "PersistentKeepalive", SEC_PEER, false, k_keepalive },
};

/* wg-quick keys that run commands or pick routing tables. */
static const char *const refused[] = {
	"PreUp", "PostUp", "PreDown", "PostDown", "Table", "SaveConfig",
};

static const char *sec_name(enum section s)
{
	return s == SEC_PEER ? "[Peer]" : "[Interface]";
}

static bool seen(const struct wgp *p, const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strcmp(keys[i].name, name))
			return p->seen & (1u << i);
	return false;
}

static int key_line(struct wgp *p, char *k, char *v)
{
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++)
		if (!strcasecmp(k, refused[i]))
			return fail(p, "'%s' is not supported: pam_netns runs "
				    "no commands and routes everything "
				    "through the tunnel", refused[i]);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		const struct key *key = &keys[i];

		if (key->sec != p->sec || strcasecmp(k, key->name))
			continue;
		if ((p->seen & (1u << i)) && !key->repeats)
			return fail(p, "'%s' is given twice in %s", key->name,
				    sec_name(p->sec));
		if (!*v)
			return fail(p, "'%s' has no value", key->name);
		p->seen |= 1u << i;
		return key->fn(p, key->name, v);
	}
	if (p->sec == SEC_NONE)
		return fail(p, "'%s' is outside of a section", k);
	return fail(p, "unknown key '%s' in %s", k, sec_name(p->sec));
}

/* ---- sections ------------------------------------------------------- */

/* The section that ends here has what it needs. */
static int section_end(struct wgp *p)
{
	if (p->sec == SEC_INTERFACE) {
		if (!seen(p, "PrivateKey"))
			return fail_at(p, p->sec_line, "[Interface] has no "
				       "'PrivateKey'");
		if (!seen(p, "Address"))
			return fail_at(p, p->sec_line, "[Interface] has no "
				       "'Address'");
	}
	if (p->sec != SEC_PEER)
		return 0;
	if (!seen(p, "PublicKey"))
		return fail_at(p, p->sec_line, "[Peer] has no 'PublicKey'");
	for (size_t i = 0; i + 1 < p->c->n_peers; i++)
		if (!memcmp(p->c->peers[i].public_key, p->peer->public_key,
			    WG_KEY_LEN))
			return fail_at(p, p->sec_line, "[Peer] has the same "
				       "'PublicKey' as the [Peer] on line %d",
				       p->c->peers[i].line);
	return 0;
}

static int new_peer(struct wgp *p)
{
	struct wg_conf *c = p->c;

	if (c->n_peers == WG_MAX_PEERS)
		return fail(p, "more than %d [Peer] sections", WG_MAX_PEERS);
	if (!(c->n_peers & (c->n_peers - 1))) {
		size_t cap = c->n_peers ? 2 * c->n_peers : 1;
		struct wg_peer *n = realloc(c->peers, cap * sizeof(*n));

		if (!n)
			return -ENOMEM;
		c->peers = n;
	}
	p->peer = &c->peers[c->n_peers++];
	memset(p->peer, 0, sizeof(*p->peer));
	p->peer->line = p->line;
	return 0;
}

static int section_line(struct wgp *p, const char *s)
{
	int r = section_end(p);

	if (r)
		return r;
	p->seen = 0;
	p->sec_line = p->line;
	if (!strcasecmp(s, "[Interface]")) {
		if (p->iface_line)
			return fail(p, "a second [Interface] section (the "
				    "first is on line %d)", p->iface_line);
		p->sec = SEC_INTERFACE;
		p->iface_line = p->line;
		return 0;
	}
	if (!strcasecmp(s, "[Peer]")) {
		p->sec = SEC_PEER;
		return new_peer(p);
	}
	return fail(p, "unknown section '%s'", s);
}

/* One line, NUL-terminated and at most LINE_MAX_LEN - 1 bytes. */
static int one_line(struct wgp *p, char *line)
{
	char *s, *eq;

	line[strcspn(line, "#")] = '\0';
	s = trim(line);
	if (!*s)
		return 0;
	if (*s == '[')
		return section_line(p, s);
	eq = strchr(s, '=');
	if (!eq)
		return fail(p, "expected 'Key = Value' or a [Section]");
	*eq = '\0';
	if (!*trim(s))
		return fail(p, "no key before '='");
	return key_line(p, trim(s), trim(eq + 1));
}

static int parse_text(struct wgp *p, const char *text, size_t len)
{
	char line[LINE_MAX_LEN];
	size_t pos = 0;
	int r = 0;

	while (!r && pos < len) {
		const char *nl = memchr(text + pos, '\n', len - pos);
		size_t n = (nl ? (size_t)(nl - text) : len) - pos;

		p->line++;
		if (n && text[pos + n - 1] == '\r')
			n--;
		if (n >= sizeof(line))
			return fail(p, "line is longer than %d bytes",
				    LINE_MAX_LEN - 1);
		if (memchr(text + pos, '\0', n))
			return fail(p, "line holds a NUL byte");
		memcpy(line, text + pos, n);
		line[n] = '\0';
		r = one_line(p, line);
		pos += (nl ? (size_t)(nl - (text + pos)) + 1 : len - pos);
	}
	return r ? r : section_end(p);
}

int wgconf_parse(const char *text, size_t len, const char *name,
		 struct wg_conf **ret, char *err, size_t errlen)
{
	struct wg_conf *c = calloc(1, sizeof(*c));
	struct wgp p = { .name = name, .err = err, .errlen = errlen, .c = c };
	int r;

	*ret = NULL;
	if (errlen)
		*err = '\0';
	if (!c)
		return -ENOMEM;
	r = parse_text(&p, text, len);
	if (!r && !p.iface_line)
		r = fail_at(&p, 0, "no [Interface] section");
	if (!r && !c->n_peers)
		r = fail_at(&p, 0, "no [Peer] section: the tunnel would lead "
			    "nowhere");
	if (r == -ENOMEM && errlen)
		snprintf(err, errlen, "%s: out of memory", name);
	if (r) {
		wgconf_free(c);
		return r;
	}
	*ret = c;
	return 0;
}

void wgconf_free(struct wg_conf *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n_peers; i++)
		free(c->peers[i].allowed);
	free(c->peers);
	/* the private key does not outlive its use in freed memory */
	explicit_bzero(c, sizeof(*c));
	free(c);
}

/* ---- files and names ------------------------------------------------ */

int wgconf_resolve(struct wg_conf *c, const char *name, char *err,
		   size_t errlen)
{
	for (size_t i = 0; i < c->n_peers; i++) {
		struct wg_endpoint *e = &c->peers[i].endpoint;
		struct addrinfo hints = { .ai_socktype = SOCK_DGRAM,
					  .ai_flags = AI_NUMERICSERV };
		struct addrinfo *res = NULL;
		char port[8];
		int r;

		if (!*e->host || e->salen)
			continue;
		snprintf(port, sizeof(port), "%u", e->port);
		r = getaddrinfo(e->host, port, &hints, &res);
		if (r || !res || res->ai_addrlen > sizeof(e->sa)) {
			snprintf(err, errlen, "%s:%d: 'Endpoint': cannot "
				 "resolve '%s': %s", name,
				 c->peers[i].endpoint_line, e->host,
				 r ? gai_strerror(r) : "no address");
			if (res)
				freeaddrinfo(res);
			return -EADDRNOTAVAIL;
		}
		memcpy(&e->sa, res->ai_addr, res->ai_addrlen);
		e->salen = res->ai_addrlen;
		freeaddrinfo(res);
	}
	return 0;
}

int wgconf_load(const char *path, struct wg_conf **ret, char *err,
		size_t errlen)
{
	_cleanup_close_ int fd = -1;
	_cleanup_free_ char *text = NULL;
	struct stat st;
	size_t len = 0;
	int r;

	*ret = NULL;
	r = conf_check_file(path, WGCONF_MAX_SIZE, &fd, err, errlen);
	if (r)
		return r;
	if (fstat(fd, &st))
		r = -errno;
	else if (st.st_mode & (S_IRGRP | S_IROTH)) {
		snprintf(err, errlen, "%s: is readable by group or others, "
			 "and it holds a private key (chmod 600 it)", path);
		return -EPERM;
	}
	if (!r)
		r = conf_read_all(fd, WGCONF_MAX_SIZE, &text, &len);
	if (r) {
		snprintf(err, errlen, "%s: cannot read: %s", path,
			 strerror(-r));
		return r;
	}
	r = wgconf_parse(text, len, path, ret, err, errlen);
	explicit_bzero(text, len);
	return r;
}
