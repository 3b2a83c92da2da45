// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * records.c - the records and their keys (see records.h). A table per
 * record kind maps each key to its field, so reading, writing and the
 * "none" value of a field are written once, and the key=value file code
 * below is this file's alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "locks.h"
#include "records.h"
#include "util.h"

#define REC_MAX_KV	32
#define REC_KEY_MAX	24

/* A record file as read: key=value pairs in file order. */
struct record {
	size_t n;
	struct {
		char key[REC_KEY_MAX];
		char val[REC_STR_MAX];
	} kv[REC_MAX_KV];
};

enum ftype { F_STR, F_LL, F_ULL, F_INT, F_U32, F_READY, F_BOOL };

struct field {
	const char *key;
	enum ftype type;
	size_t off, size;
	long long none;		/* numbers: the value that is not written */
};

#define FLD(s, k, f, t, n) { k, t, offsetof(struct s, f), \
			     sizeof(((struct s *)0)->f), n }
#define NS_STR(k, f)	FLD(ns_rec, k, f, F_STR, 0)
#define NS_NUM(k, f, t)	FLD(ns_rec, k, f, t, 0)

static const struct field ns_fields[] = {
	NS_STR("network", network), NS_STR("type", type),
	NS_STR("scope", scope), NS_STR("user", user),
	NS_NUM("id", id, F_U32), NS_NUM("created", created, F_LL),
	NS_NUM("state", ready, F_READY), NS_NUM("spare", spare, F_BOOL),
	NS_NUM("ino", ino, F_ULL),
	FLD(ns_rec, "slot", slot, F_LL, -1), NS_STR("ifname", ifname),
	NS_STR("addr4", addr4), NS_STR("addr6", addr6),
	NS_STR("attach", attach), NS_STR("forwards", forwards),
	NS_STR("bridge", bridge), NS_STR("parent", parent),
	NS_STR("mode", mode), NS_STR("dhcp", dhcp),
	NS_NUM("dhcp_pid", dhcp_pid, F_INT),
	NS_NUM("dhcp_start", dhcp_start, F_ULL), NS_STR("device", device),
	FLD(ns_rec, "dev_index", dev_index, F_INT, -1),
	NS_STR("backend", backend), NS_STR("inner", inner),
	NS_NUM("wgpid", wgpid, F_INT), NS_NUM("wgstart", wgstart, F_ULL),
};

static const struct field sess_fields[] = {
	FLD(sess_rec, "netns", netns, F_STR, 0),
	FLD(sess_rec, "user", user, F_STR, 0),
	FLD(sess_rec, "service", service, F_STR, 0),
	FLD(sess_rec, "rhost", rhost, F_STR, 0),
	FLD(sess_rec, "tty", tty, F_STR, 0),
	FLD(sess_rec, "pid", pid, F_INT, 0),
	FLD(sess_rec, "start", start, F_ULL, 0),
	FLD(sess_rec, "since", since, F_LL, 0),
};

static const struct field tun_fields[] = {
	FLD(tun_rec, "ifindex", ifindex, F_INT, 0),
	FLD(tun_rec, "address", address, F_STR, 0),
	FLD(tun_rec, "dns", dns, F_STR, 0),
	FLD(tun_rec, "since", since, F_LL, 0),
};

static const char *const fwd_keys[2] = { "ipv4", "ipv6" };

/* ---- key=value files ------------------------------------------------ */

static int rec_path(const char *dir, const char *name, char *buf, size_t len)
{
	int n = snprintf(buf, len, "%s/%s", dir, name);

	if (state_fd() < 0)
		return -EBADF;
	if (!*name || strchr(name, '/') || !strcmp(name, ".") ||
	    !strcmp(name, ".."))
		return -EINVAL;
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

static int parse_line(struct record *r, char *line)
{
	char *eq = strchr(line, '=');

	if (!eq || r->n >= REC_MAX_KV)
		return -EINVAL;
	*eq = '\0';
	if (strlcpy_checked(r->kv[r->n].key, line, REC_KEY_MAX) ||
	    strlcpy_checked(r->kv[r->n].val, eq + 1, REC_STR_MAX))
		return -EINVAL;
	r->n++;
	return 0;
}

static int kv_read(const char *dir, const char *name, struct record *r)
{
	char path[512], buf[REC_MAX_KV * (REC_KEY_MAX + REC_STR_MAX + 2)];
	_cleanup_close_ int fd = -1;
	ssize_t n;
	int e = rec_path(dir, name, path, sizeof(path));

	r->n = 0;
	if (e)
		return e;
	fd = openat(state_fd(), path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l;
	     l = strtok_r(NULL, "\n", &save))
		if (parse_line(r, l))
			return -EBADMSG;
	return 0;
}

static int kv_write(const char *dir, const char *name, const struct record *r)
{
	char path[512], buf[sizeof(r->kv)];
	size_t len = 0;
	int e = rec_path(dir, name, path, sizeof(path));

	for (size_t i = 0; !e && i < r->n; i++) {
		int n = snprintf(buf + len, sizeof(buf) - len, "%s=%s\n",
				 r->kv[i].key, r->kv[i].val);

		if (n < 0 || (size_t)n >= sizeof(buf) - len)
			return -E2BIG;
		len += (size_t)n;
	}
	return e ?: state_write_blob(path, buf, len);
}

static int kv_set(struct record *r, const char *key, const char *val)
{
	if (r->n >= REC_MAX_KV)
		return -E2BIG;
	if (strlcpy_checked(r->kv[r->n].key, key, REC_KEY_MAX) ||
	    strlcpy_checked(r->kv[r->n].val, val, REC_STR_MAX))
		return -EINVAL;
	r->n++;
	return 0;
}

static int kv_remove(const char *dir, const char *name)
{
	char path[512];
	int e = rec_path(dir, name, path, sizeof(path));

	if (e)
		return e;
	return state_remove(path);
}

static bool kv_exists(const char *dir, const char *name)
{
	char path[512];
	struct stat st;

	return !rec_path(dir, name, path, sizeof(path)) &&
	       !fstatat(state_fd(), path, &st, AT_SYMLINK_NOFOLLOW);
}

/* ---- fields --------------------------------------------------------- */

int rec_fmt(char *field, size_t size, const char *fmt, ...)
{
	char val[REC_STR_MAX];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(val) || (size_t)n >= size ||
	    strchr(val, '\n'))
		return -EINVAL;
	memcpy(field, val, (size_t)n + 1);
	return 0;
}

static long long num(const char *v, long long none)
{
	char *end;
	long long n;

	if (!*v)
		return none;
	errno = 0;
	n = strtoll(v, &end, 10);
	return (errno || *end) ? none : n;
}

/* An unsigned value; 0 (none) for "" or what is not a number. */
static unsigned long long unum(const char *v)
{
	char *end;
	unsigned long long n;

	errno = 0;
	n = strtoull(v, &end, 10);
	return (errno || *end || *v == '-') ? 0 : n;
}

/* @v into field @f of @base: -EBADMSG when a string does not fit. */
static int field_parse(const struct field *f, void *base, const char *v)
{
	char *p = (char *)base + f->off;
	long long n = num(v, f->none);

	switch (f->type) {
	case F_STR:
		return strlcpy_checked(p, v, f->size) ? -EBADMSG : 0;
	case F_LL:	*(long long *)p = n; break;
	case F_ULL:	*(unsigned long long *)p = unum(v); break;
	case F_INT:	*(int *)p = (int)n; break;
	case F_U32:	*(uint32_t *)p = (uint32_t)n; break;
	case F_READY:	*(bool *)p = !strcmp(v, "ready"); break;
	case F_BOOL:	*(bool *)p = n == 1; break;
	}
	return 0;
}

/* Field @f of @base as text into @buf; false when it is at its "none". */
static bool field_format(const struct field *f, const void *base,
			 char *buf, size_t len)
{
	const char *p = (const char *)base + f->off;
	long long n = 0;

	switch (f->type) {
	case F_STR:
		snprintf(buf, len, "%s", p);
		return *p;
	case F_ULL:
		snprintf(buf, len, "%llu", *(const unsigned long long *)p);
		return *(const unsigned long long *)p != 0;
	case F_READY:
		snprintf(buf, len, "%s",
			 *(const bool *)p ? "ready" : "creating");
		return true;
	case F_LL:	n = *(const long long *)p; break;
	case F_BOOL:	n = *(const bool *)p; break;
	case F_INT:	n = *(const int *)p; break;
	case F_U32:	n = *(const uint32_t *)p; break;
	}
	snprintf(buf, len, "%lld", n);
	return n != f->none;
}

static void fields_init(const struct field *f, size_t n, void *base)
{
	for (size_t i = 0; i < n; i++)
		(void)field_parse(&f[i], base, "");
}

/* The record @dir/@name into @base; unknown keys are skipped. */
static int fields_read(const char *dir, const char *name,
		       const struct field *f, size_t nf, void *base)
{
	struct record *kv = malloc(sizeof(*kv));
	int r = kv ? kv_read(dir, name, kv) : -ENOMEM;

	fields_init(f, nf, base);
	for (size_t i = 0; !r && i < kv->n; i++)
		for (size_t j = 0; !r && j < nf; j++)
			if (!strcmp(kv->kv[i].key, f[j].key))
				r = field_parse(&f[j], base, kv->kv[i].val);
	free(kv);
	return r;
}

static int fields_write(const char *dir, const char *name,
			const struct field *f, size_t nf, const void *base)
{
	struct record *kv = malloc(sizeof(*kv));
	char buf[REC_STR_MAX];
	int r = kv ? 0 : -ENOMEM;

	if (kv)
		kv->n = 0;
	for (size_t i = 0; !r && i < nf; i++)
		if (field_format(&f[i], base, buf, sizeof(buf)))
			r = kv_set(kv, f[i].key, buf);
	r = r ?: kv_write(dir, name, kv);
	free(kv);
	return r;
}

/* ---- namespaces ----------------------------------------------------- */

int ns_rec_init(struct ns_rec *r, const char *name)
{
	memset(r, 0, sizeof(*r));
	fields_init(ns_fields, ARRAY_SIZE(ns_fields), r);
	return strlcpy_checked(r->name, name, sizeof(r->name)) ? -EINVAL : 0;
}

int ns_rec_read(const char *name, struct ns_rec *r)
{
	int e = ns_rec_init(r, name);

	return e ?: fields_read("ns", name, ns_fields, ARRAY_SIZE(ns_fields),
				r);
}

int ns_rec_write(const struct ns_rec *r)
{
	return fields_write("ns", r->name, ns_fields, ARRAY_SIZE(ns_fields),
			    r);
}

int ns_rec_remove(const char *name)
{
	return kv_remove("ns", name);
}

bool ns_rec_exists(const char *name)
{
	return kv_exists("ns", name);
}

int ns_rec_count(void)
{
	return state_count("ns");
}

int ns_rec_names(int (*cb)(const char *name, void *data), void *data)
{
	return state_list("ns", cb, data);
}

struct each {
	int (*cb)(const struct ns_rec *r, void *data);
	void *data;
};

static int each_one(const char *name, void *data)
{
	struct each *e = data;
	struct ns_rec *r = malloc(sizeof(*r));
	int ret = 0;

	if (!r)
		return -ENOMEM;
	if (!ns_rec_read(name, r))
		ret = e->cb(r, e->data);
	free(r);
	return ret;
}

int ns_rec_each(int (*cb)(const struct ns_rec *r, void *data), void *data)
{
	struct each e = { cb, data };

	return state_list("ns", each_one, &e);
}

struct used {
	const char *network, *except;
};

static int uses(const struct ns_rec *r, void *data)
{
	const struct used *u = data;

	return (!u->except || strcmp(r->name, u->except)) &&
	       !strcmp(r->network, u->network);
}

bool ns_network_used(const char *network, const char *except)
{
	struct used u = { network, except };

	return ns_rec_each(uses, &u) > 0;
}

bool ns_rec_shared(const struct ns_rec *r)
{
	return !*r->scope || !strcmp(r->scope, "shared");
}

/* ---- the inode index ------------------------------------------------ */

int ns_index(const struct ns_rec *r)
{
	struct record idx = { 0 };
	char key[32];

	if (!r->ino)
		return 0;
	snprintf(key, sizeof(key), "%llu", r->ino);
	return kv_set(&idx, "name", r->name) ?: kv_write("ino", key, &idx);
}

void ns_unindex(const struct ns_rec *r)
{
	char key[32];

	if (!r->ino)
		return;
	snprintf(key, sizeof(key), "%llu", r->ino);
	(void)kv_remove("ino", key);
}

int ns_by_inode(unsigned long long ino, char *name, size_t len)
{
	struct record idx;
	struct ns_rec ns;
	char key[32];

	snprintf(key, sizeof(key), "%llu", ino);
	if (kv_read("ino", key, &idx) || idx.n != 1 ||
	    strcmp(idx.kv[0].key, "name") ||
	    ns_rec_read(idx.kv[0].val, &ns) || ns.ino != ino)
		return 0;
	return !name ? 1 : strlcpy_checked(name, ns.name, len) ?: 1;
}

static int sweep_ino(const char *key, void *data)
{
	(void)data;
	if (!ns_by_inode(strtoull(key, NULL, 10), NULL, 0))
		(void)kv_remove("ino", key);
	return 0;
}

int ns_index_sweep(void)
{
	return state_list("ino", sweep_ino, NULL);
}

/* ---- sessions and members ------------------------------------------- */

int sess_rec_read(const char *token, struct sess_rec *r)
{
	memset(r, 0, sizeof(*r));
	if (strlcpy_checked(r->token, token, sizeof(r->token)))
		return -EINVAL;
	return fields_read("sessions", token, sess_fields,
			   ARRAY_SIZE(sess_fields), r);
}

int sess_rec_write(const struct sess_rec *r)
{
	return fields_write("sessions", r->token, sess_fields,
			    ARRAY_SIZE(sess_fields), r);
}

int sess_rec_remove(const char *token)
{
	return kv_remove("sessions", token);
}

bool sess_rec_exists(const char *token)
{
	return kv_exists("sessions", token);
}

int sess_rec_names(int (*cb)(const char *token, void *data), void *data)
{
	return state_list("sessions", cb, data);
}

/* ---- tunnel reports ------------------------------------------------- */

int tun_rec_read(const char *dev, struct tun_rec *r)
{
	memset(r, 0, sizeof(*r));
	if (strlcpy_checked(r->dev, dev, sizeof(r->dev)))
		return -EINVAL;
	return fields_read("tunnels", dev, tun_fields,
			   ARRAY_SIZE(tun_fields), r);
}

int tun_rec_write(const struct tun_rec *r)
{
	return fields_write("tunnels", r->dev, tun_fields,
			    ARRAY_SIZE(tun_fields), r);
}

int tun_rec_remove(const char *dev)
{
	return kv_remove("tunnels", dev);
}

int tun_rec_names(int (*cb)(const char *dev, void *data), void *data)
{
	return state_list("tunnels", cb, data);
}

static int members_dir(const char *netns, char *buf, size_t len)
{
	int n = snprintf(buf, len, "members/%s", netns);

	if (!*netns || strchr(netns, '/') || *netns == '.')
		return -EINVAL;
	return (n < 0 || (size_t)n >= len) ? -ENAMETOOLONG : 0;
}

int member_add(const char *netns, const char *token)
{
	static const struct record none;
	char dir[NETNS_NAME_MAX + 16];

	return members_dir(netns, dir, sizeof(dir)) ?: state_mkdir(dir) ?:
	       kv_write(dir, token, &none);
}

int member_remove(const char *netns, const char *token)
{
	char dir[NETNS_NAME_MAX + 16];

	return members_dir(netns, dir, sizeof(dir)) ?: kv_remove(dir, token);
}

int member_count(const char *netns)
{
	char dir[NETNS_NAME_MAX + 16];

	return members_dir(netns, dir, sizeof(dir)) ?: state_count(dir);
}

struct member_walk {
	const char *netns;
	int (*cb)(const char *netns, const char *token, void *data);
	void *data;
};

static int member_one(const char *token, void *data)
{
	struct member_walk *w = data;

	return w->cb(w->netns, token, w->data);
}

int member_each(const char *netns,
		int (*cb)(const char *netns, const char *token, void *data),
		void *data)
{
	struct member_walk w = { netns, cb, data };
	char dir[NETNS_NAME_MAX + 16];

	return members_dir(netns, dir, sizeof(dir)) ?:
	       state_list(dir, member_one, &w);
}

int member_dir_remove(const char *netns)
{
	char dir[NETNS_NAME_MAX + 16];

	return members_dir(netns, dir, sizeof(dir)) ?: state_rmdir(dir);
}

int member_dirs(int (*cb)(const char *netns, void *data), void *data)
{
	return state_list("members", cb, data);
}

/* ---- the serial and the forwarding sysctls -------------------------- */

int serial_next(struct locks *l, uint32_t *ret)
{
	struct record r;
	char buf[16];
	long long last;
	int e = state_res_lock(l);

	if (e)
		return e;
	e = kv_read(".", "seq", &r);
	if (!e || e == -ENOENT) {
		last = e || r.n != 1 || strcmp(r.kv[0].key, "last") ? 0 :
		       num(r.kv[0].val, 0);
		*ret = (uint32_t)(last + 1) ? (uint32_t)(last + 1) : 1;
		snprintf(buf, sizeof(buf), "%u", (unsigned)*ret);
		r.n = 0;
		e = kv_set(&r, "last", buf) ?: kv_write(".", "seq", &r);
	}
	state_res_unlock(l);
	return e;
}

int fwd_rec_read(struct fwd_rec *f)
{
	struct record r;
	int e = kv_read(".", "forwarding", &r);

	memset(f, 0, sizeof(*f));
	for (size_t i = 0; !e && i < r.n; i++)
		for (size_t j = 0; j < ARRAY_SIZE(fwd_keys); j++)
			if (!strcmp(r.kv[i].key, fwd_keys[j]) &&
			    *r.kv[i].val) {
				f->saved[j] = true;
				f->old[j] = (int)num(r.kv[i].val, 0);
			}
	return e;
}

int fwd_rec_write(const struct fwd_rec *f)
{
	struct record r = { 0 };
	char buf[16];
	int e = 0;

	for (size_t j = 0; !e && j < ARRAY_SIZE(fwd_keys); j++) {
		if (!f->saved[j])
			continue;
		snprintf(buf, sizeof(buf), "%d", f->old[j]);
		e = kv_set(&r, fwd_keys[j], buf);
	}
	return e ?: kv_write(".", "forwarding", &r);
}

int fwd_rec_remove(void)
{
	return kv_remove(".", "forwarding");
}
