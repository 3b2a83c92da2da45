// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_answer.c - libFuzzer harness for the module's reading of the
 * helper's answer: any bytes (up to the first NUL, as the module reads
 * them into a C string) go to pn_answer_parse(), which must either refuse
 * them or return an answer the module can act on safely: a known action,
 * NUL-terminated fields, and for join a valid namespace name, a non-zero
 * inode and a valid token. An accepted answer must also survive being
 * written again with pn_answer_add() and read back the same.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "protocol.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct pn_answer *a)
{
	if (a->action != PN_JOIN && a->action != PN_NONE &&
	    a->action != PN_DENY)
		abort();
	if (strnlen(a->netns, sizeof(a->netns)) == sizeof(a->netns) ||
	    strnlen(a->session, sizeof(a->session)) == sizeof(a->session) ||
	    strnlen(a->reason, sizeof(a->reason)) == sizeof(a->reason))
		abort();
	if (a->action == PN_JOIN &&
	    (name_check_netns(a->netns) != NAME_OK || !a->netns_ino ||
	     !pn_token_ok(a->session)))
		abort();
}

/* Write @a's join or deny fields again; the parse must give them back. */
static void round_trip(const struct pn_answer *a)
{
	static const char *const acts[] = { [PN_NONE] = PN_ACTION_NONE,
		[PN_JOIN] = PN_ACTION_JOIN, [PN_DENY] = PN_ACTION_DENY };
	char buf[PN_ANSWER_MAX + 1] = "", ino[24];
	struct pn_answer b;

	snprintf(ino, sizeof(ino), "%llu", a->netns_ino);
	if (pn_answer_add(buf, sizeof(buf), PN_KEY_ACTION, acts[a->action]) ||
	    (a->action == PN_JOIN &&
	     (pn_answer_add(buf, sizeof(buf), PN_KEY_NETNS, a->netns) ||
	      pn_answer_add(buf, sizeof(buf), PN_KEY_NETNS_INO, ino) ||
	      pn_answer_add(buf, sizeof(buf), PN_KEY_SESSION, a->session))) ||
	    (a->action == PN_DENY &&
	     pn_answer_add(buf, sizeof(buf), PN_KEY_REASON, a->reason)))
		abort();
	if (pn_answer_parse(buf, &b) || b.action != a->action)
		abort();
	if (a->action == PN_JOIN && (strcmp(a->netns, b.netns) ||
				     a->netns_ino != b.netns_ino ||
				     strcmp(a->session, b.session)))
		abort();
	if (a->action == PN_DENY && strcmp(a->reason, b.reason))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct pn_answer a;
	char *text = malloc(size + 1);

	if (!text)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (!pn_answer_parse(text, &a)) {
		check(&a);
		round_trip(&a);
	}
	free(text);
	return 0;
}
