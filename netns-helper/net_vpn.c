// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * net_vpn.c - the "vpn" kind: the namespace holds lo and one tunnel, with
 * every default route through it, and nothing else. No veth, no NAT: when
 * the tunnel goes, nothing inside can reach anything.
 *
 * Two forms:
 *
 *  wireguard = "/etc/wireguard/NAME.conf"
 *    The device is made on the host (pnwID), so that its UDP socket stays
 *    in the host namespace (the "netns trick", wireguard.com/netns),
 *    configured from the wg-quick file, given its MTU, then moved inside
 *    and renamed wg0. The kernel's WireGuard is tried first; without it
 *    (rtnetlink: unknown device type) wireguard-go runs a tun device
 *    instead and is configured over its UAPI socket (wg.h).
 *
 *  interface = "tun-corp"
 *    A device some VPN daemon made on the host is waited for (timeout),
 *    moved inside and given the policy's addresses (required: the client
 *    leaves the device unconfigured, pam_netns.conf(5) OPENVPN), routes
 *    and resolvers. One device, one namespace: a second namespace is
 *    refused at once. An address its client gave it (on the device, or
 *    reported through the service: the tunnel verb, cmd_adopt.c) that is
 *    not the policy's is refused: the device stays down inside. When the
 *    client makes it again on the host, `adopt` (the service, on the
 *    host's link events) takes it back through vpn_repair(). At down it
 *    goes back to the host, down and unconfigured, if it still exists.
 *
 * Waits (for the device, for wireguard-go's socket, for the endpoints'
 * names) hold the lock of this namespace only, and a login's end at its
 * deadline (deadline.h) even when the network's timeout is longer.
 *
 * Order, each step recorded before it is made (see lifecycle.h):
 *   ifname (+ backend, + wireguard-go pid and start time) -> device on
 *   the host -> moved inside -> addresses, up, routes -> resolv.conf.
 * Unreachable default routes with the highest metric stay behind when the
 * tunnel's own routes go with its device, so that the namespace then has
 * no route out at all rather than whatever else might appear.
 *
 * `netns-helper up` on a namespace that is up calls vpn_repair(): when
 * the tunnel is gone it is made again in the same namespace, so the
 * sessions inside keep running and simply get their way out back.
 *
 * Also here, as for every kind (net_kind.h): the policy keys (wireguard or
 * interface; address and routes with interface only; dns; timeout),
 * `check`'s look at the wg-quick file, and `status`'s report of the
 * tunnel and its peers.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/rtnetlink.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "conf_parse.h"
#include "deadline.h"
#include "dns.h"
#include "json.h"
#include "log.h"
#include "netns_file.h"
#include "lifecycle.h"
#include "sdscope.h"
#include "net_vpn.h"
#include "records.h"
#include "util.h"
#include "wg.h"

#define INNER_WG	"wg0"
#define UAPI_WAIT_MS	5000	/* wireguard-go opens its socket at once */
#define FALLBACK_METRIC	UINT32_MAX

static const struct cidr default4 = { .family = AF_INET };
static const struct cidr default6 = { .family = AF_INET6 };

static void wgconf_freep(struct wg_conf **c)
{
	wgconf_free(*c);
}

static bool is_backend(const struct ns_rec *rec, const char *b)
{
	return !strcmp(rec->backend, b);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

/* ---- inside --------------------------------------------------------- */

static int has_family(const struct cidr_list *l, int family)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].family == family)
			return 1;
	return 0;
}

static int fallback(struct ns_ctx *ctx, const struct cidr *dst)
{
	int r = nl_route_add_metric(ctx->inner, dst, NULL, 0, RTN_UNREACHABLE,
				    FALLBACK_METRIC);

	return r == -EEXIST ? 0 : r;
}

/*
 * Addresses, up, then @routes through the device (on-link: a tunnel has
 * no neighbours), and the unreachable fallbacks.
 */
static int configure_inside(struct ns_ctx *ctx, const char *ifname,
			    const struct cidr_list *addrs,
			    const struct cidr_list *routes)
{
	int idx = nl_link_index(ctx->inner, ifname), r = 0;

	if (idx < 0)
		return idx;
	for (size_t i = 0; !r && i < addrs->n; i++)
		r = nl_addr_add(ctx->inner, idx, &addrs->v[i]);
	if (!r)
		r = nl_link_up(ctx->inner, idx);
	for (size_t i = 0; !r && i < routes->n; i++)
		r = nl_route_add(ctx->inner, &routes->v[i], NULL, idx,
				 RTN_UNICAST);
	/* the fallbacks outlive the tunnel: a repair finds them there */
	if (!r)
		r = fallback(ctx, &default4);
	if (!r)
		r = fallback(ctx, &default6);
	if (r)
		snprintf(ctx->err, ctx->errlen, "vpn '%s': cannot configure "
			 "'%s' inside: %s%s%s", ctx->net->name, ifname,
			 strerror(-r), *nl_errmsg(ctx->inner) ? ": " : "",
			 nl_errmsg(ctx->inner));
	return r;
}

/* The policy's servers, else those of the wg-quick file. */
static int write_dns(struct ns_ctx *ctx, const struct cidr_list *fallback)
{
	_cleanup_free_ struct network *n = malloc(sizeof(*n));

	if (!n)
		return -ENOMEM;
	*n = *ctx->net;
	if (!n->dns.n && fallback)
		n->dns = *fallback;
	return dns_write(ctx->name, n, ctx->err, ctx->errlen);
}

/* ---- wireguard: the tunnel ------------------------------------------ */

/* What the child of resolve() sends back, then each peer's endpoint. */
struct resolved {
	int r;
	char err[CONF_ERR_MAX];
};

static bool all_numeric(const struct wg_conf *c)
{
	for (size_t i = 0; i < c->n_peers; i++)
		if (*c->peers[i].endpoint.host && !c->peers[i].endpoint.salen)
			return false;
	return true;
}

static int write_all(int fd, const void *buf, size_t len)
{
	for (size_t n = 0; n < len; ) {
		ssize_t w = write(fd, (const char *)buf + n, len - n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -1;
		n += (size_t)w;
	}
	return 0;
}

/* @len bytes from @fd, waiting until the deadline at most. */
static int read_by_deadline(int fd, void *buf, size_t len,
			    const struct deadline *dl)
{
	for (size_t n = 0; n < len; ) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = deadline_left_ms(dl);
		int r = poll(&p, 1, left < 0 ? -1 : (int)left);
		ssize_t got;

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r ? -errno : -ETIMEDOUT;
		got = read(fd, (char *)buf + n, len - n);
		if (got < 0 && errno == EINTR)
			continue;
		if (got <= 0)
			return got ? -errno : -EPIPE;
		n += (size_t)got;
	}
	return 0;
}

/* In the child: look the names up and send the endpoints to @out. */
__attribute__((noreturn))
static void resolve_child(struct wg_conf *c, const char *path, int out)
{
	struct resolved res = { 0 };

	res.r = wgconf_resolve(c, path, res.err, sizeof(res.err));
	if (write_all(out, &res, sizeof(res)))
		_exit(1);
	for (size_t i = 0; !res.r && i < c->n_peers; i++) {
		const struct wg_endpoint *e = &c->peers[i].endpoint;

		if (write_all(out, &e->sa, sizeof(e->sa)) ||
		    write_all(out, &e->salen, sizeof(e->salen)))
			_exit(1);
	}
	_exit(0);
}

static int read_resolved(int fd, struct wg_conf *c, struct resolved *res,
			 const struct deadline *dl)
{
	int r = read_by_deadline(fd, res, sizeof(*res), dl);

	for (size_t i = 0; !r && !res->r && i < c->n_peers; i++) {
		struct wg_endpoint *e = &c->peers[i].endpoint;

		r = read_by_deadline(fd, &e->sa, sizeof(e->sa), dl) ?:
		    read_by_deadline(fd, &e->salen, sizeof(e->salen), dl);
	}
	return r;
}

/*
 * wgconf_resolve(), in a child when a deadline applies: a name lookup
 * (a DNS server that does not answer, an NSS module) cannot be bounded
 * from within, so the child is killed at the deadline instead.
 */
static int resolve(struct wg_conf *c, const char *path,
		   const struct deadline *dl, char *e, size_t elen)
{
	struct resolved res;
	int fds[2], r, st;
	pid_t pid;

	if (deadline_left_ms(dl) < 0 || all_numeric(c))
		return wgconf_resolve(c, path, e, elen);
	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	/* nothing of the helper's (its locks, its stdout) stays with a
	 * lookup that outlives it */
	pid = child_start(&(struct child_opts){ .keep = &fds[1], .n_keep = 1,
						.die_with_parent = true });
	if (pid == 0)
		resolve_child(c, path, fds[1]);
	(void)close(fds[1]);
	r = pid < 0 ? (int)pid : read_resolved(fds[0], c, &res, dl);
	(void)close(fds[0]);
	if (pid > 0) {
		if (r)
			(void)kill(pid, SIGKILL);
		(void)child_wait(pid, -1, &st);
	}
	if (r == -ETIMEDOUT)
		snprintf(e, elen, "%.256s: 'Endpoint': no answer to the name "
			 "lookup before the login's time limit", path);
	else if (!r && res.r)
		snprintf(e, elen, "%s", res.err);
	else if (r)
		snprintf(e, elen, "%.256s: 'Endpoint': name lookup failed: %s",
			 path, strerror(-r));
	return r ?: res.r;
}

static int load_conf(struct ns_ctx *ctx, struct wg_conf **ret)
{
	char e[CONF_ERR_MAX];
	int r = wgconf_load(ctx->net->wireguard, ret, e, sizeof(e));

	if (!r)
		r = resolve(*ret, ctx->net->wireguard, ctx->dl, e, sizeof(e));
	if (r)
		snprintf(ctx->err, ctx->errlen, "vpn '%s': %s", ctx->net->name,
			 e);
	return r;
}

static int userspace_fail(struct ns_ctx *ctx, const char *ifname, int r,
			  int status)
{
	const char *net = ctx->net->name;

	if (r == -ECHILD)
		snprintf(ctx->err, ctx->errlen, "vpn '%s': %s exited (status "
			 "%d) before it opened %s/%s.sock", net, WIREGUARD_GO,
			 WIFEXITED(status) ? WEXITSTATUS(status) : 128 +
			 WTERMSIG(status), WG_UAPI_DIR, ifname);
	else if (r == -ETIMEDOUT)
		snprintf(ctx->err, ctx->errlen, "vpn '%s': %s did not open "
			 "%s/%s.sock within %.1f s", net, WIREGUARD_GO,
			 WG_UAPI_DIR, ifname,
			 deadline_cap_ms(ctx->dl, UAPI_WAIT_MS) / 1000.0);
	else
		snprintf(ctx->err, ctx->errlen, "vpn '%s': cannot start %s: %s",
			 net, WIREGUARD_GO, strerror(-r));
	return r;
}

/* wireguard-go for @ifname: ifindex of its tun device, or -errno. */
static int userspace_up(struct ns_ctx *ctx, const char *ifname,
			const struct wg_conf *c)
{
	unsigned long long start = 0;
	int r, status = 0, gate;
	pid_t pid;

	r = REC_SET(ctx->rec->backend, "userspace") ?: ns_save(ctx);
	if (!r)
		r = wg_uapi_spawn(ifname, &pid, &gate);
	if (r)
		return userspace_fail(ctx, ifname, r, 0);
	(void)proc_starttime(pid, &start);
	ctx->rec->wgpid = pid;
	ctx->rec->wgstart = start;
	r = ns_save(ctx);
	if (r) {
		(void)wg_uapi_start(gate, false);
		return r;
	}
	/* its scope before it runs: no session's end takes it along */
	sdscope_move("wg", ctx->name, pid, ctx->dl);
	r = wg_uapi_start(gate, true);
	if (r)
		return r;
	debug("vpn: started %s %s (pid %d)", WIREGUARD_GO, ifname, (int)pid);
	r = wg_uapi_wait(ifname, pid,
			 (int)deadline_cap_ms(ctx->dl, UAPI_WAIT_MS), &status);
	if (r)
		return userspace_fail(ctx, ifname, r, status);
	r = wg_uapi_set(ifname, c);
	if (r) {
		snprintf(ctx->err, ctx->errlen, "vpn '%s': cannot configure "
			 "'%s' over %s/%s.sock: %s", ctx->net->name, ifname,
			 WG_UAPI_DIR, ifname, strerror(-r));
		return r;
	}
	return nl_link_index(ctx->host, ifname);
}

static int kernel_up(struct ns_ctx *ctx, int idx, const struct wg_conf *c)
{
	int r = REC_SET(ctx->rec->backend, "kernel") ?: ns_save(ctx);
	char msg[NL_ERRMSG_MAX] = "";

	if (!r)
		r = wg_kernel_set(idx, c, msg);
	if (r)
		snprintf(ctx->err, ctx->errlen, "vpn '%s': cannot configure "
			 "the WireGuard device: %s%s%s", ctx->net->name,
			 strerror(-r), *msg ? ": " : "", msg);
	return r;
}

/* The device on the host, configured, then moved inside as wg0. */
static int tunnel_up(struct ns_ctx *ctx, const struct wg_conf *c)
{
	char ifname[IFNAMSIZ];
	int idx, r;

	r = name_ifname('w', ctx->rec->id, ifname, sizeof(ifname)) ?:
	    REC_SET(ctx->rec->ifname, "%s", ifname) ?:
	    REC_SET(ctx->rec->inner, INNER_WG) ?: ns_save(ctx);
	if (r)
		return r;
	idx = wg_kernel_create(ctx->host, ifname);
	if (idx == -EOPNOTSUPP) {
		debug("vpn: no WireGuard in the kernel, using %s", WIREGUARD_GO);
		idx = userspace_up(ctx, ifname, c);
	} else if (idx > 0) {
		r = kernel_up(ctx, idx, c);
	}
	if (idx < 0)
		return idx;
	/* before the move: wireguard-go learns the MTU on the host only */
	r = r ?: nl_link_set_mtu(ctx->host, idx, c->mtu ?: WG_DEFAULT_MTU) ?:
	    nl_link_move(ctx->host, idx, ctx->nsfd, INNER_WG);
	if (r && !*ctx->err)
		snprintf(ctx->err, ctx->errlen, "vpn '%s': cannot move '%s' "
			 "into the namespace: %s", ctx->net->name, ifname,
			 strerror(-r));
	return r;
}

/* Default routes for each family the tunnel has an address of. */
static void wg_routes(const struct wg_conf *c, struct cidr_list *ret)
{
	ret->n = 0;
	if (has_family(&c->address, AF_INET))
		ret->v[ret->n++] = default4;
	if (has_family(&c->address, AF_INET6))
		ret->v[ret->n++] = default6;
}

static int wg_wire(struct ns_ctx *ctx)
{
	struct wg_conf *c __attribute__((cleanup(wgconf_freep))) = NULL;
	struct cidr_list routes;
	int r = load_conf(ctx, &c) ?: tunnel_up(ctx, c);

	if (r)
		return r;
	wg_routes(c, &routes);
	return configure_inside(ctx, INNER_WG, &c->address, &routes) ?:
	       write_dns(ctx, &c->dns);
}

/* ---- adopted interfaces --------------------------------------------- */

static int wait_for_link(struct nl *nl, const char *name, long ms)
{
	for (long waited = 0;; waited += 100) {
		int idx = nl_link_index(nl, name);

		if (idx != -ENODEV)
			return idx;
		if (waited >= ms)
			return -ETIMEDOUT;
		sleep_ms(ms - waited < 100 ? ms - waited : 100);
	}
}

/* What holder() looks for: another namespace that adopted @ifname. */
struct holder {
	const char *self, *ifname;
	char name[NETNS_NAME_MAX + 1];
};

static int holds(const struct ns_rec *rec, void *data)
{
	struct holder *h = data;

	if (!strcmp(rec->name, h->self) || !is_backend(rec, "adopted") ||
	    strcmp(rec->ifname, h->ifname))
		return 0;
	snprintf(h->name, sizeof(h->name), "%s", rec->name);
	return 1;
}

/* One device, one namespace: a second one would wait for a device that
 * never comes back to the host; it is refused at once instead. */
static int adopted_elsewhere(struct ns_ctx *ctx)
{
	struct holder h = { .self = ctx->name, .ifname = ctx->net->interface };

	if (ns_rec_each(holds, &h) != 1)
		return 0;
	snprintf(ctx->err, ctx->errlen, "vpn '%s': interface '%s' is in "
		 "namespace '%s' already (one device, one namespace: give "
		 "this network scope \"shared\")", ctx->net->name,
		 ctx->net->interface, h.name);
	return -EBUSY;
}

/* ---- what the VPN client was given --------------------------------- */

static bool same_addr(const struct cidr *a, const struct cidr *b)
{
	size_t len = a->family == AF_INET ? 4 : 16;

	return a->family == b->family && !memcmp(a->addr, b->addr, len);
}

/*
 * The first address of @got (what the VPN server gave its client) that
 * disagrees with the policy's @policy: one of a family the policy has an
 * address of, but not the policy's; or the first of @got when none of them
 * is the policy's. NULL when they agree, or when @got is empty.
 */
static const struct cidr *addr_disagrees(const struct cidr_list *policy,
					 const struct cidr_list *got)
{
	size_t matching = 0;

	for (size_t i = 0; i < got->n; i++) {
		bool mine = false;

		for (size_t k = 0; k < policy->n; k++)
			mine |= same_addr(&got->v[i], &policy->v[k]);
		if (mine)
			matching++;
		else if (has_family(policy, got->v[i].family))
			return &got->v[i];
	}
	return got->n && !matching ? &got->v[0] : NULL;
}

/* "vpn 'X': WHO gave 'DEV' the address A, not the policy's: WHAT" */
static int disagree(const struct network *n, const char *who,
		    const struct cidr *a, const char *what, char *err,
		    size_t errlen)
{
	char b[CIDR_STRLEN];

	snprintf(err, errlen, "vpn '%s': %s gave '%s' the address %s, which "
		 "is not the policy's: %s (the server would drop what it "
		 "sends); make the server's ifconfig-push and 'address' agree",
		 n->name, who, n->interface, cidr_format(a, true, b, sizeof(b)),
		 what);
	return -EADDRNOTAVAIL;
}

static int client_addr(int ifindex, const struct cidr *a, void *data)
{
	struct cidr_list *l = data;

	(void)ifindex;
	if (a->family == AF_INET6 && a->addr[0] == 0xfe &&
	    (a->addr[1] & 0xc0) == 0x80)
		return 0;		/* link-local: the kernel's, not the
					 * client's */
	if (l->n < CONF_MAX_LIST)
		l->v[l->n++] = *a;
	return 0;
}

/*
 * What the client gave the device @idx on the host: the addresses on it
 * (a client that configures its device, without OpenVPN's
 * ifconfig-noexec), and what it reported through the service (the tunnel
 * verb) for this very device (same ifindex). One that is not the policy's
 * would give a tunnel that is up and passes nothing: it is refused.
 */
static int client_mismatch(struct ns_ctx *ctx, int idx)
{
	const struct network *n = ctx->net;
	struct cidr_list got = { .n = 0 };
	const struct cidr *bad;
	struct tun_rec t;

	if (!nl_addr_list(ctx->host, 0, idx, client_addr, &got) &&
	    (bad = addr_disagrees(&n->address, &got)))
		return disagree(n, "its client", bad, "not brought up",
				ctx->err, ctx->errlen);
	if (tun_rec_read(n->interface, &t) || t.ifindex != idx ||
	    vpn_addr_list(t.address, true, &got))
		return 0;
	bad = addr_disagrees(&n->address, &got);
	return bad ? disagree(n, "its server (as its client reported)", bad,
			      "not brought up", ctx->err, ctx->errlen) : 0;
}

int vpn_addr_list(const char *s, bool prefix, struct cidr_list *ret)
{
	char buf[REC_STR_MAX];
	char *save = NULL, *tok;

	ret->n = 0;
	if (strlcpy_checked(buf, s, sizeof(buf)))
		return -EINVAL;
	for (tok = strtok_r(buf, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (ret->n == CONF_MAX_LIST ||
		    cidr_parse(tok, prefix, &ret->v[ret->n]))
			return -EINVAL;
		ret->n++;
	}
	return ret->n ? 0 : -EINVAL;
}

bool vpn_adopts(const struct network *n, const char *dev)
{
	return n->type == NET_VPN && *n->interface &&
	       !strcmp(n->interface, dev);
}

int vpn_addr_check(const struct network *n, const struct cidr_list *got,
		   char *err, size_t errlen)
{
	const struct cidr *bad = addr_disagrees(&n->address, got);

	return bad ? disagree(n, "its server", bad, "a login adopting it is "
			      "refused", err, errlen) : 0;
}

int vpn_client_check(const struct network *n, const char *ns,
		     const struct cidr_list *got, char *err, size_t errlen)
{
	const struct cidr *bad = addr_disagrees(&n->address, got);
	_cleanup_close_ int fd = -1;
	struct nl in = { 0 };
	int idx;

	if (!bad)
		return 0;
	fd = netns_open(ns);
	idx = fd < 0 || nl_open_in(&in, fd) ? -EBADF :
	      nl_link_index(&in, n->interface);
	if (idx > 0 && nl_link_down(&in, idx))
		idx = -EIO;
	nl_close(&in);
	return disagree(n, "its server", bad, idx > 0 ?
			"set down in the namespace" : "and it could not be "
			"set down in the namespace", err, errlen);
}

int vpn_dns_differs(const struct network *n, const struct cidr_list *got)
{
	for (size_t i = 0; i < got->n; i++) {
		bool known = false;

		for (size_t k = 0; k < n->dns.n; k++)
			known |= same_addr(&got->v[i], &n->dns.v[k]);
		if (!known)
			return 1;
	}
	return 0;
}

static int adopt_wire(struct ns_ctx *ctx)
{
	const struct network *n = ctx->net;
	long ms = deadline_cap_ms(ctx->dl, n->timeout * 1000L);
	int idx = adopted_elsewhere(ctx), r, bad;

	if (idx)
		return idx;
	idx = wait_for_link(ctx->host, n->interface, ms);
	if (idx == -ETIMEDOUT && ms < n->timeout * 1000L) {
		snprintf(ctx->err, ctx->errlen, "vpn '%s': interface '%s' did "
			 "not appear within %.1f s, the rest of the login's "
			 "time limit (the network's timeout is %d s)", n->name,
			 n->interface, ms / 1000.0, n->timeout);
		return idx;
	}
	if (idx == -ETIMEDOUT) {
		snprintf(ctx->err, ctx->errlen, "vpn '%s': interface '%s' did "
			 "not appear within %d s", n->name, n->interface,
			 n->timeout);
		return idx;
	}
	/* read before the move, which takes the device's addresses */
	bad = idx < 0 ? 0 : client_mismatch(ctx, idx);
	r = idx < 0 ? idx : REC_SET(ctx->rec->backend, "adopted") ?:
	    REC_SET(ctx->rec->ifname, "%s", n->interface) ?:
	    REC_SET(ctx->rec->inner, "%s", n->interface) ?: ns_save(ctx);
	/* moved even when refused: the host does not keep a device
	 * configured for this namespace; inside it stays down */
	if (!r)
		r = nl_link_move(ctx->host, idx, ctx->nsfd, NULL);
	if (r) {
		snprintf(ctx->err, ctx->errlen, "vpn '%s': cannot move '%s' "
			 "into the namespace: %s", n->name, n->interface,
			 strerror(-r));
		return r;
	}
	return bad ?: configure_inside(ctx, n->interface, &n->address,
				       &n->routes) ?: write_dns(ctx, NULL);
}

/* ---- up, down, repair ----------------------------------------------- */

static int vpn_up(struct ns_ctx *ctx)
{
	return *ctx->net->wireguard ? wg_wire(ctx) : adopt_wire(ctx);
}

/* A netlink socket inside @ctx's namespace: ctx->inner, or @tmp. */
static struct nl *inner_nl(struct ns_ctx *ctx, struct nl *tmp)
{
	_cleanup_close_ int fd = -1;

	if (ctx->inner)
		return ctx->inner;
	fd = netns_open(ctx->name);
	if (fd < 0 || nl_open_in(tmp, fd))
		return NULL;
	return tmp;
}

/* Whatever is left of a WireGuard tunnel: daemon, host and inner link. */
static void tunnel_down(struct ns_ctx *ctx)
{
	const char *ifname = ctx->rec->ifname;
	const char *inner = ctx->rec->inner;
	pid_t pid = ctx->rec->wgpid;
	struct nl tmp = { 0 }, *in;
	int idx;

	if (*ifname && (pid > 0 || is_backend(ctx->rec, "userspace")))
		wg_uapi_stop(ifname, pid, ctx->rec->wgstart);
	idx = *ifname ? nl_link_index(ctx->host, ifname) : -ENODEV;
	if (idx > 0 && nl_link_del(ctx->host, idx))
		warn("link '%s': cannot delete, ignoring", ifname);
	in = *inner ? inner_nl(ctx, &tmp) : NULL;
	idx = in ? nl_link_index(in, inner) : -ENODEV;
	if (idx > 0 && nl_link_del(in, idx))
		warn("link '%s' inside '%s': cannot delete, ignoring", inner,
		     ctx->name);
	nl_close(&tmp);
}

/* An adopted device goes back to the host, if it still exists. */
static void adopt_down(struct ns_ctx *ctx)
{
	const char *ifname = ctx->rec->ifname;
	_cleanup_close_ int host = open("/proc/self/ns/net",
					O_RDONLY | O_CLOEXEC);
	struct nl tmp = { 0 }, *in = *ifname ? inner_nl(ctx, &tmp) : NULL;
	int idx = in ? nl_link_index(in, ifname) : -ENODEV, r;

	if (!*ifname)
		return;
	if (idx == -ENODEV) {
		if (nl_link_index(ctx->host, ifname) < 0)
			info("vpn: interface '%s' is gone (its VPN daemon "
			     "removed it); nothing to give back", ifname);
	} else {
		r = idx < 0 ? idx : host < 0 ? -EBADF :
		    nl_link_move(in, idx, host, NULL);
		if (r)
			warn("vpn: cannot give interface '%s' back to the "
			     "host: %s; it goes with namespace '%s'", ifname,
			     strerror(-r), ctx->name);
		else
			info("vpn: interface '%s' is back in the host "
			     "namespace", ifname);
	}
	nl_close(&tmp);
}

static void vpn_down(struct ns_ctx *ctx)
{
	if (is_backend(ctx->rec, "adopted"))
		adopt_down(ctx);
	else
		tunnel_down(ctx);
}

/* The tunnel is inside, and a wireguard-go behind it still runs. */
static bool tunnel_alive(struct ns_ctx *ctx)
{
	const char *inner = ctx->rec->inner;

	if (!*inner || nl_link_index(ctx->inner, inner) < 0)
		return false;
	return !is_backend(ctx->rec, "userspace") ||
	       wg_uapi_running(ctx->rec->wgpid, ctx->rec->wgstart);
}

/* The backend stays: it tells down never to delete an adopted device. */
static int forget_tunnel(struct ns_ctx *ctx)
{
	ctx->rec->wgpid = 0;
	ctx->rec->wgstart = 0;
	return ns_save(ctx);
}

static int vpn_repair(struct ns_ctx *ctx)
{
	bool adopted = is_backend(ctx->rec, "adopted");
	int r;

	if (tunnel_alive(ctx))
		return 0;
	info("vpn: the tunnel of '%s' is gone; making it again", ctx->name);
	if (!adopted)
		tunnel_down(ctx);
	r = forget_tunnel(ctx) ?: vpn_up(ctx);
	/* no half-made tunnel: the namespace stays without a way out */
	if (r && !adopted)
		tunnel_down(ctx);
	return r ? r : 1;
}

/* ---- policy --------------------------------------------------------- */

#define VPN_TIMEOUT_DEFAULT	10	/* s: "timeout" */

static const char *const vpn_keys[] = {
	"type", "wireguard", "interface", "address", "routes", "dns", "timeout",
	NULL
};

/* Without "routes", an adopted interface carries everything of each
 * family it has an address of; a family without one keeps only the
 * unreachable fallback, so that it fails at once rather than time out. */
static void default_routes(const struct cidr_list *addrs,
			   struct cidr_list *l)
{
	memset(l, 0, sizeof(*l));
	if (has_family(addrs, AF_INET))
		l->v[l->n++] = default4;
	if (has_family(addrs, AF_INET6))
		l->v[l->n++] = default6;
}

/* A route of a family the tunnel has no address of could not be used. */
static int check_route_families(struct parser *p, const config_setting_t *s,
				const struct network *n)
{
	for (size_t i = 0; i < n->routes.n; i++) {
		int v = n->routes.v[i].family == AF_INET ? 4 : 6;
		char b[CIDR_STRLEN];

		if (has_family(&n->address, n->routes.v[i].family))
			continue;
		return conf_fail(p, conf_member(s, "routes"), "route %s: "
				 "'address' has no IPv%d address",
				 cidr_format(&n->routes.v[i], true, b,
					     sizeof(b)), v);
	}
	return 0;
}

/*
 * An adopted interface has no configuration of its own inside: the
 * namespace's addresses and resolvers are the policy's. The VPN client
 * must not configure the device on the host (pam_netns.conf(5), OpenVPN:
 * ifconfig-noexec, route-noexec), so the policy states them: the
 * address the server gives this client (a fixed one) and its resolvers.
 */
static int check_adopt_keys(struct parser *p, const config_setting_t *s,
			    const struct network *n)
{
	if (!n->address.n)
		return conf_fail(p, s, "vpn '%s': 'interface' needs "
				 "'address': the address the VPN server "
				 "gives this client (OpenVPN: a fixed "
				 "ifconfig-push)", n->name);
	if (!n->dns.n)
		return conf_fail(p, s, "vpn '%s': 'interface' needs 'dns': "
				 "the resolvers the VPN server pushes (the "
				 "host's cannot be reached from inside)",
				 n->name);
	return check_route_families(p, s, n);
}

static int parse_wireguard(struct parser *p, const config_setting_t *s,
			   struct network *n)
{
	const char *v;
	int r = conf_get_string(p, s, &v);

	if (r)
		return r;
	if (v[0] != '/')
		return conf_fail(p, s, "'wireguard' must be an absolute path");
	if (strlcpy_checked(n->wireguard, v, sizeof(n->wireguard)))
		return conf_fail(p, s, "'wireguard' is longer than %d bytes",
				 PATH_MAX - 1);
	return 0;
}

/* address and routes configure an adopted interface, not wg-quick's. */
static int check_vpn_keys(struct parser *p, const config_setting_t *s)
{
	static const char *const only[] = { "address", "routes" };
	const config_setting_t *wg = conf_member(s, "wireguard");
	const config_setting_t *ifc = conf_member(s, "interface");

	if (wg && ifc)
		return conf_fail(p, ifc, "'wireguard' and 'interface' exclude "
				 "each other");
	if (!wg && !ifc)
		return conf_fail(p, s, "type 'vpn' needs 'wireguard' or "
				 "'interface'");
	for (size_t i = 0; wg && i < ARRAY_SIZE(only); i++) {
		const config_setting_t *m = conf_member(s, only[i]);

		if (m)
			return conf_fail(p, m, "'%s' needs 'interface'",
					 only[i]);
	}
	return 0;
}

/* A login waits below the module's default time limit (deadline.h), or
 * it is killed, and refused, while the helper still waits. */
static int get_timeout(struct parser *p, const config_setting_t *t,
		       int *ret)
{
	int r = conf_get_int(p, t, INT_MIN, INT_MAX, ret);

	if (!r && (*ret < 1 || *ret >= PN_TIMEOUT_DEFAULT))
		return conf_fail(p, t, "timeout %d out of range 1-%d: it must "
				 "be below the %d s a login may take "
				 "(pam_netns(8), timeout=)", *ret,
				 PN_TIMEOUT_DEFAULT - 1, PN_TIMEOUT_DEFAULT);
	return r;
}

static int parse_vpn(struct parser *p, const config_setting_t *s,
		     struct network *n)
{
	const config_setting_t *wg = conf_member(s, "wireguard");
	const config_setting_t *ifc = conf_member(s, "interface");
	const config_setting_t *t = conf_member(s, "timeout");
	int r = check_vpn_keys(p, s);

	if (r)
		return r;
	n->timeout = VPN_TIMEOUT_DEFAULT;
	r = (wg ? parse_wireguard(p, wg, n) :
		  conf_parse_ifname(p, ifc, n->interface)) ?:
	    conf_opt_addrs(p, s, "address", ADDR_IFADDR, &n->address) ?:
	    conf_opt_addrs(p, s, "routes", ADDR_NET, &n->routes) ?:
	    conf_opt_addrs(p, s, "dns", ADDR_HOST, &n->dns) ?:
	    (t ? get_timeout(p, t, &n->timeout) : 0);
	if (r || !ifc)
		return r;
	if (!conf_member(s, "routes"))
		default_routes(&n->address, &n->routes);
	return check_adopt_keys(p, s, n);
}

/* ---- check ---------------------------------------------------------- */

/* The wg-quick file is part of the policy: check it too (file safety and
 * syntax; endpoints are resolved only at up). A file not there yet is a
 * warning: it may be deployed after the policy. */
static int vpn_check(const struct network *n)
{
	char e[CONF_ERR_MAX];
	struct wg_conf *wg = NULL;
	int r, bad = 0;

	if (!*n->wireguard)
		return 0;
	r = wgconf_load(n->wireguard, &wg, e, sizeof(e));
	if (r == -ENOENT)
		warn("network '%s': %s: missing: a login on this network "
		     "fails until it exists", n->name, n->wireguard);
	else if (r) {
		err("network '%s': %s", n->name, e);
		bad = 1;
	}
	wgconf_free(wg);
	return bad;
}

/* An adopted device can be in one namespace only: a user- or
 * session-scope rule gives it to the first of several namespaces, and
 * the others' logins are refused (adopted_elsewhere()). */
static void vpn_warn_rule(const struct rule *r)
{
	const struct network *n = r->net;

	if (!*n->interface || r->scope == SCOPE_SHARED)
		return;
	warn("%s:%d: network '%s' adopts interface '%s', which can be in "
	     "one namespace only: with scope '%s' a second login that "
	     "needs another namespace is refused; use scope \"shared\"",
	     r->file, r->line, n->name, n->interface,
	     net_scope_str(r->scope));
}

static void vpn_print(const struct network *n)
{
	if (*n->wireguard)
		printf(" wireguard %s", n->wireguard);
	else
		printf(" interface %s", n->interface);
}

/* ---- status --------------------------------------------------------- */

/* What `status` learns about the tunnel of a vpn namespace. */
struct vpn_status {
	char backend[16];		/* "kernel", "userspace", "adopted" */
	char inner[IFNAMSIZ];		/* the tunnel's name inside */
	char host_ifname[IFNAMSIZ];	/* its name when made on the host */
	pid_t pid;			/* wireguard-go; 0 = none */
	bool up;			/* the tunnel is inside (and its daemon runs) */
	bool have_wg;			/* @wg is filled */
	struct wg_status wg;
};

static void wg_state(const char *name, int nsfd, struct vpn_status *st)
{
	int r;

	if (!strcmp(st->backend, "userspace"))
		r = st->up ? wg_uapi_get(st->host_ifname, &st->wg) : -ESRCH;
	else if (!strcmp(st->backend, "kernel"))
		r = st->up ? wg_kernel_get(nsfd, st->inner, &st->wg) : -ENODEV;
	else
		r = -ENOENT;
	st->have_wg = !r;
}

/* The tunnel of vpn namespace @rec: 0, or -errno when @rec is not that
 * of a vpn namespace. */
static int vpn_status(const struct ns_rec *rec, struct vpn_status *ret)
{
	const char *name = rec->name;
	_cleanup_close_ int fd = -1;
	struct nl in = { 0 };

	memset(ret, 0, sizeof(*ret));
	if (strcmp(rec->type, "vpn"))
		return -EINVAL;
	snprintf(ret->backend, sizeof(ret->backend), "%s", rec->backend);
	snprintf(ret->inner, sizeof(ret->inner), "%s", rec->inner);
	snprintf(ret->host_ifname, sizeof(ret->host_ifname), "%s",
		 rec->ifname);
	ret->pid = rec->wgpid;
	fd = netns_open(name);
	if (fd >= 0 && *ret->inner && !nl_open_in(&in, fd)) {
		ret->up = nl_link_index(&in, ret->inner) > 0;
		nl_close(&in);
	}
	if (!strcmp(ret->backend, "userspace"))
		ret->up = ret->up && wg_uapi_running(ret->pid, rec->wgstart);
	wg_state(name, fd, ret);
	return 0;
}

static void show_peer_text(const struct wg_peer_status *p, time_t now)
{
	char key[WG_KEY_B64_LEN + 1];

	printf("  peer       %s\n", wgconf_key_b64(p->public_key, key));
	printf("    endpoint   %s\n", *p->endpoint ? p->endpoint : "(none)");
	if (p->handshake)
		printf("    handshake  %lld s ago\n",
		       (long long)now - p->handshake);
	else
		printf("    handshake  never\n");
	printf("    transfer   %llu B received, %llu B sent\n",
	       (unsigned long long)p->rx_bytes,
	       (unsigned long long)p->tx_bytes);
}

static void show_peer_json(const struct wg_peer_status *p, time_t now)
{
	char key[WG_KEY_B64_LEN + 1];

	printf("{\"public_key\":\"%s\",\"endpoint\":",
	       wgconf_key_b64(p->public_key, key));
	json_str(p->endpoint);
	printf(",\"latest_handshake\":%lld,\"handshake_age\":", p->handshake);
	if (p->handshake)
		printf("%lld", (long long)now - p->handshake);
	else
		printf("null");
	printf(",\"rx_bytes\":%llu,\"tx_bytes\":%llu}",
	       (unsigned long long)p->rx_bytes,
	       (unsigned long long)p->tx_bytes);
}

static void show_vpn_text(const struct vpn_status *st, time_t now)
{
	size_t shown = st->wg.n_peers < WG_STATUS_PEERS ? st->wg.n_peers :
			WG_STATUS_PEERS;

	printf("\ntunnel:\n  backend    %s", st->backend);
	if (st->pid)
		printf(" (wireguard-go pid %d)", (int)st->pid);
	printf("\n  interface  %s", st->inner);
	if (strcmp(st->inner, st->host_ifname))
		printf(" (made on the host as %s)", st->host_ifname);
	printf("\n  state      %s\n", st->up ? "up" : "down: no way out");
	if (!st->have_wg)
		return;
	printf("  listen     %u\n", st->wg.listen_port);
	for (size_t i = 0; i < shown; i++)
		show_peer_text(&st->wg.peers[i], now);
	if (shown < st->wg.n_peers)
		printf("  ... and %zu more peers\n", st->wg.n_peers - shown);
}

static void show_vpn_json(const struct vpn_status *st, time_t now)
{
	size_t shown = st->wg.n_peers < WG_STATUS_PEERS ? st->wg.n_peers :
			WG_STATUS_PEERS;

	printf(",\"vpn\":{\"backend\":");
	json_str(st->backend);
	printf(",\"interface\":");
	json_str(st->inner);
	printf(",\"host_ifname\":");
	json_str(st->host_ifname);
	printf(",\"pid\":%d,\"up\":%s", (int)st->pid,
	       st->up ? "true" : "false");
	/* 0, 0 and [] without WireGuard (an adopted interface) */
	printf(",\"listen_port\":%u,\"n_peers\":%zu,\"peers\":[",
	       st->have_wg ? st->wg.listen_port : 0,
	       st->have_wg ? st->wg.n_peers : 0);
	for (size_t i = 0; st->have_wg && i < shown; i++) {
		printf(i ? "," : "");
		show_peer_json(&st->wg.peers[i], now);
	}
	printf("]}");
}

/* `status`'s part of a vpn namespace: the tunnel, its backend and its
 * peers. */
static int vpn_show(const char *name, const struct ns_rec *rec, bool json)
{
	struct vpn_status st;
	int r = vpn_status(rec, &st);

	if (r)
		return r;
	if (json)
		show_vpn_json(&st, time(NULL));
	else
		show_vpn_text(&st, time(NULL));
	return 0;
}

const struct net_kind net_vpn = {
	.type = NET_VPN, .name = "vpn",
	.keys = vpn_keys, .parse = parse_vpn,
	.check = vpn_check, .warn_rule = vpn_warn_rule, .print = vpn_print,
	.up = vpn_up, .down = vpn_down, .repair = vpn_repair,
	.own_dns = true,
	.status = vpn_show,
};
