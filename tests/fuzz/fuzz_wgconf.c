// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_wgconf.c - libFuzzer harness for the wg-quick parser: any bytes go
 * to wgconf_parse(), which must either return a config whose invariants
 * hold or fail with a "fuzz.conf..." message and nothing returned, and
 * must never leak. It never resolves a name, so fuzzing stays offline.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "wgconf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What net_vpn.c relies on. */
static void check_wgconf(const struct wg_conf *c)
{
	char buf[CIDR_STRLEN], key[WG_KEY_B64_LEN + 1], hex[2 * WG_KEY_LEN + 1];
	char ep[64];

	if (!c->address.n || c->address.n > CONF_MAX_LIST ||
	    c->dns.n > CONF_MAX_LIST || !c->n_peers ||
	    c->n_peers > WG_MAX_PEERS || (c->mtu && c->mtu < 576))
		abort();
	for (size_t i = 0; i < c->address.n; i++)
		(void)cidr_format(&c->address.v[i], true, buf, sizeof(buf));
	(void)wgconf_key_hex(c->private_key, hex);
	for (size_t i = 0; i < c->n_peers; i++) {
		const struct wg_peer *p = &c->peers[i];
		uint8_t back[WG_KEY_LEN];

		if (p->n_allowed > WG_MAX_ALLOWED ||
		    strlen(p->endpoint.host) >= WG_HOST_MAX ||
		    (p->endpoint.salen && !p->endpoint.port))
			abort();
		/* a key read from base64 prints back to the same key */
		if (wgconf_b64_key(wgconf_key_b64(p->public_key, key), back) ||
		    memcmp(back, p->public_key, WG_KEY_LEN))
			abort();
		for (size_t j = 0; j < p->n_allowed; j++)
			if (!cidr_is_network(&p->allowed[j]))
				abort();
		if (p->endpoint.salen)
			(void)wgconf_sockaddr_str((const void *)&p->endpoint.sa,
						  ep, sizeof(ep));
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "";
	struct wg_conf *c = NULL;
	int r;

	if (size > WGCONF_MAX_SIZE)
		return 0;
	r = wgconf_parse((const char *)data, size, "fuzz.conf", &c, err,
			 sizeof(err));
	if (r) {
		if (c || strncmp(err, "fuzz.conf", 9))
			abort();
		return 0;
	}
	check_wgconf(c);
	wgconf_free(c);
	return 0;
}
