// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_request.c - libFuzzer harness for the resident service's reading
 * of a request (pn_request_parse(), the only parser a connecting peer
 * reaches): any bytes must be refused or give a request whose verb is one
 * of the three, with the options that verb takes only, whose required
 * options are there and non-empty, whose
 * strings end inside the message and hold no newline; written again with
 * pn_request_add() it must read back the same.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define FIELDS(r) { &(r)->verb, &(r)->config, &(r)->user, &(r)->service, \
		    &(r)->rhost, &(r)->tty, &(r)->deadline_ms, &(r)->session, \
		    &(r)->dev, &(r)->address, &(r)->dns }

static const char *const names[] = {
	PN_KEY_VERB, PN_OPT_CONFIG, PN_OPT_USER, PN_OPT_SERVICE, PN_OPT_RHOST,
	PN_OPT_TTY, PN_OPT_DEADLINE_MS, PN_OPT_SESSION, PN_OPT_DEV,
	PN_OPT_ADDRESS, PN_OPT_DNS,
};

static void check(struct pn_request *r, const char *msg, size_t size)
{
	const char **f[] = FIELDS(r);
	bool open = !strcmp(r->verb, PN_VERB_OPEN);
	bool close = !strcmp(r->verb, PN_VERB_CLOSE);
	bool tunnel = !strcmp(r->verb, PN_VERB_TUNNEL);
	bool session_keys = r->user || r->service || r->rhost || r->tty;
	bool tunnel_keys = r->dev || r->address || r->dns;

	if (!open && !close && !tunnel)
		abort();
	if (open && (!r->user || !r->service || r->session || tunnel_keys))
		abort();
	if (close && (!r->session || session_keys || tunnel_keys))
		abort();
	if (tunnel && (!r->dev || !r->address || session_keys || r->session ||
		       r->config || r->deadline_ms))
		abort();
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (*f[i] && (*f[i] < msg || *f[i] >= msg + size ||
			      !**f[i] || strchr(*f[i], '\n')))
			abort();
}

static void round_trip(struct pn_request *r)
{
	const char **f[] = FIELDS(r);
	char buf[PN_REQUEST_MAX + 1] = "";
	struct pn_request b;
	const char **g[] = FIELDS(&b);

	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (*f[i] && pn_request_add(buf, sizeof(buf), names[i], *f[i]))
			return;	/* longer once written in this order: fine */
	if (pn_request_parse(buf, strlen(buf), &b))
		abort();
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if (!*f[i] != !*g[i] || (*f[i] && strcmp(*f[i], *g[i])))
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pn_request r;
	char *msg = malloc(size + 1);

	if (!msg)
		return 0;
	memcpy(msg, data, size);
	msg[size] = '\0';
	if (!pn_request_parse(msg, size, &r)) {
		check(&r, msg, size);
		round_trip(&r);
	}
	free(msg);
	return 0;
}
