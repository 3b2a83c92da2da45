// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * prebuilt.c - the spares of networks with "prebuilt = N" (see
 * prebuilt.h): found and claimed by session-open, made by the resident
 * service's `prebuild`, kept or removed by gc.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "locks.h"
#include "net_kind.h"
#include "netns_file.h"
#include "prebuilt.h"
#include "util.h"

/* The ready spares of one network, by name. */
struct spares {
	const char *network;
	char names[4 * CONF_MAX_PREBUILT][NETNS_NAME_MAX + 1];
	size_t n;
};

static int collect(const struct ns_rec *r, void *data)
{
	struct spares *s = data;

	if (r->spare && r->ready && !strcmp(r->network, s->network) &&
	    s->n < ARRAY_SIZE(s->names))
		snprintf(s->names[s->n++], sizeof(s->names[0]), "%s", r->name);
	return 0;
}

/* Under its lock: @name is still a free spare; make it @user's. */
static int take(const char *name, const char *user)
{
	struct ns_rec rec;
	int r = ns_rec_read(name, &rec);

	if (r || !rec.spare || !rec.ready || !netns_exists(name))
		return 0;	/* claimed or removed meanwhile */
	rec.spare = false;
	r = REC_SET(rec.user, "%s", user) ?: ns_rec_write(&rec);
	return r ? r : 1;
}

int prebuilt_claim(const struct ns_env *env, const struct network *net,
		   const char *user, char *name, size_t len)
{
	struct spares s = { .network = net->name };
	int r;

	if (!net->prebuilt)
		return 0;
	r = ns_rec_each(collect, &s);
	for (size_t i = 0; !r && i < s.n; i++) {
		r = locks_ns(env->locks, s.names[i]);
		if (r)
			return r;
		r = take(s.names[i], user);
		if (r == 1)
			return strlcpy_checked(name, s.names[i], len) ?: 1;
		locks_ns_release(env->locks);
	}
	return r;
}

/* One spare of @net, made under its own lock and released. */
static int make_spare(const struct ns_env *env, const struct network *net,
		      char *err, size_t errlen)
{
	char name[NETNS_NAME_MAX + 1];
	struct ns_rec rec;
	uint32_t serial;
	int r = serial_next(env->locks, &serial), n;

	if (r)
		return r;
	n = snprintf(name, sizeof(name), "%s.-%u", net->name,
		     (unsigned)serial);
	if (n < 0 || (size_t)n >= sizeof(name))
		return -ENAMETOOLONG;
	r = locks_ns(env->locks, name);
	if (r)
		return r;
	r = ns_create(env, name, net, SCOPE_SESSION, "", serial, err, errlen);
	if (!r) {
		r = ns_rec_read(name, &rec);
		rec.spare = true;
		r = r ?: ns_rec_write(&rec);
		/* a namespace that cannot be marked would never be claimed */
		if (r)
			(void)ns_destroy(env, name);
	}
	locks_ns_release(env->locks);
	return r;
}

int prebuilt_fill(const struct ns_env *env, const struct conf *c,
		  int *ret_made, char *err, size_t errlen)
{
	int r = 0;

	*ret_made = 0;
	for (size_t i = 0; !r && i < c->n_nets; i++) {
		const struct network *net = &c->nets[i];
		struct spares s = { .network = net->name };

		if (!net->prebuilt)
			continue;
		r = ns_rec_each(collect, &s);
		for (size_t n = s.n; !r && n < (size_t)net->prebuilt; n++) {
			r = make_spare(env, net, err, errlen);
			*ret_made += !r;
		}
	}
	return r;
}

bool prebuilt_wanted(const struct conf *c, const struct ns_rec *rec)
{
	const struct network *net = conf_network(c, rec->network);

	return rec->spare && net && net->prebuilt &&
	       net_kind_by_name(rec->type) == net_kind_of(net->type);
}
