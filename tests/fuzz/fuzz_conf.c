// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_conf.c - libFuzzer harness for the policy parser: any bytes go to
 * conf_parse_files(), which must either return a policy whose invariants
 * hold or fail with a message naming one of the files, and must never leak
 * (LeakSanitizer checks every input that grows memory). The bytes before
 * the first NUL are the main file, the rest a drop-in (a policy file never
 * holds a NUL byte: the parser refuses one).
 *
 * libconfig 1.5 itself leaks the string token it was looking at when a
 * syntax error follows it ("a = { b \"x\"; };"): its grammar has no bison
 * %destructor (libconfig issue #142, fixed upstream after 1.5 by pull
 * request #155). That leak is libconfig's alone, so leaks allocated from
 * inside libconfig are suppressed; leaks from our code still fail.
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "net_kind.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
const char *__lsan_default_suppressions(void);

const char *__lsan_default_suppressions(void)
{
	return "leak:libconfig.so\n";
}

static bool is_file(const struct conf *c, const char *file)
{
	for (size_t i = 0; i < c->n_files; i++)
		if (c->files[i] == file)
			return true;
	return false;
}

/* What every caller of conf_parse_files() relies on. */
static void check_conf(const struct conf *c)
{
	char buf[CIDR_STRLEN];

	if (c->n_nets > CONF_MAX_NETS || c->n_rules > CONF_MAX_RULES ||
	    (c->def != VERDICT_HOST && c->def != VERDICT_DENY))
		abort();
	for (size_t i = 0; i < c->n_nets; i++) {
		const struct network *n = &c->nets[i];

		if (name_check_network(n->name) || conf_network(c, n->name) != n ||
		    n->dns.n > CONF_MAX_LIST || n->n_forward > CONF_MAX_LIST ||
		    !is_file(c, n->file))
			abort();
		if (n->type == NET_NAT && (n->pool.family != AF_INET ||
					   !cidr_is_network(&n->pool)))
			abort();
		(void)cidr_format(&n->pool, true, buf, sizeof(buf));
		(void)net_type_str(n->type);
	}
	for (size_t i = 0; i < c->n_rules; i++) {
		const struct rule *r = &c->rules[i];

		if ((r->verdict == VERDICT_NETWORK) != (r->net != NULL) ||
		    (r->net && conf_network(c, r->network) != r->net) ||
		    r->n_service > CONF_MAX_MATCH || r->n_rhost > CONF_MAX_MATCH ||
		    !is_file(c, r->file) ||
		    (i && r->file != r[-1].file && r->file != c->files[1]))
			abort();
		(void)net_scope_str(r->scope);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct conf_file f[2] = { { .path = "fuzz.conf" },
				  { .path = "fuzz.d/50-x.conf" } };
	const uint8_t *nul = memchr(data, 0, size);
	char err[CONF_ERR_MAX] = "";
	struct conf *c = NULL;
	int r;

	if (size > CONF_MAX_SIZE)
		return 0;
	f[0].text = (char *)data;
	f[0].len = nul ? (size_t)(nul - data) : size;
	if (nul) {
		f[1].text = (char *)nul + 1;
		f[1].len = size - f[0].len - 1;
	}
	r = conf_parse_files(f, nul ? 2 : 1, &c, err, sizeof(err));
	if (r) {
		/* A failure always explains itself and returns nothing. */
		if (c || (strncmp(err, "fuzz.conf:", 10) &&
			  strncmp(err, "fuzz.d/50-x.conf:", 17)))
			abort();
		return 0;
	}
	check_conf(c);
	conf_free(c);
	return 0;
}
