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
 *    moved inside and given the policy's addresses and routes. At down it
 *    goes back to the host if it still exists.
 *
 * Waits (for the device, for wireguard-go's socket, for the endpoints'
 * names) hold the lock of this namespace only, and a login's end at its
 * deadline (deadline.h) even when the network's timeout is longer.
 *
 * Order, each step recorded before it is made (see ns.h):
 *   ifname (+ backend, + wireguard-go pid and start time) -> device on
 *   the host -> moved inside -> addresses, up, routes -> resolv.conf.
 * Unreachable default routes with the highest metric stay behind when the
 * tunnel's own routes go with its device, so that the namespace then has
 * no route out at all rather than whatever else might appear.
 *
 * `netns-helper up` on a namespace that is up calls vpn_repair(): when
 * the tunnel is gone it is made again in the same namespace, so the
 * sessions inside keep running and simply get their way out back.
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
#include "deadline.h"
#include "dns.h"
#include "log.h"
#include "netns.h"
#include "ns.h"
#include "util.h"
#include "vpn.h"
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

static bool is_backend(const struct record *rec, const char *b)
{
	return !strcmp(rec_get(rec, "backend") ?: "", b);
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
static int read_by_deadline(int fd, void *buf, size_t len)
{
	for (size_t n = 0; n < len; ) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		long left = deadline_left_ms();
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

static int read_resolved(int fd, struct wg_conf *c, struct resolved *res)
{
	int r = read_by_deadline(fd, res, sizeof(*res));

	for (size_t i = 0; !r && !res->r && i < c->n_peers; i++) {
		struct wg_endpoint *e = &c->peers[i].endpoint;

		r = read_by_deadline(fd, &e->sa, sizeof(e->sa)) ?:
		    read_by_deadline(fd, &e->salen, sizeof(e->salen));
	}
	return r;
}

/*
 * wgconf_resolve(), in a child when a deadline applies: a name lookup
 * (a DNS server that does not answer, an NSS module) cannot be bounded
 * from within, so the child is killed at the deadline instead.
 */
static int resolve(struct wg_conf *c, const char *path, char *e, size_t elen)
{
	struct resolved res;
	int fds[2], r, st;
	pid_t pid;

	if (deadline_left_ms() < 0 || all_numeric(c))
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
	r = pid < 0 ? (int)pid : read_resolved(fds[0], c, &res);
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
		r = resolve(*ret, ctx->net->wireguard, e, sizeof(e));
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
			 deadline_cap_ms(UAPI_WAIT_MS) / 1000.0);
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

	r = rec_set(ctx->rec, "backend", "userspace") ?: ns_save(ctx);
	if (!r)
		r = wg_uapi_spawn(ifname, &pid, &gate);
	if (r)
		return userspace_fail(ctx, ifname, r, 0);
	(void)proc_starttime(pid, &start);
	r = rec_set(ctx->rec, "wgpid", "%d", (int)pid) ?:
	    rec_set(ctx->rec, "wgstart", "%llu", start) ?: ns_save(ctx);
	if (r) {
		(void)wg_uapi_start(gate, false);
		return r;
	}
	r = wg_uapi_start(gate, true);
	if (r)
		return r;
	debug("vpn: started %s %s (pid %d)", WIREGUARD_GO, ifname, (int)pid);
	r = wg_uapi_wait(ifname, pid, (int)deadline_cap_ms(UAPI_WAIT_MS),
			 &status);
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
	int r = rec_set(ctx->rec, "backend", "kernel") ?: ns_save(ctx);
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

	r = name_ifname('w', (uint32_t)rec_get_num(ctx->rec, "id", 0), ifname,
			sizeof(ifname)) ?:
	    rec_set(ctx->rec, "ifname", "%s", ifname) ?:
	    rec_set(ctx->rec, "inner", INNER_WG) ?: ns_save(ctx);
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

static int adopt_wire(struct ns_ctx *ctx)
{
	const struct network *n = ctx->net;
	long ms = deadline_cap_ms(n->timeout * 1000L);
	int idx = wait_for_link(ctx->host, n->interface, ms), r;

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
	r = idx < 0 ? idx : rec_set(ctx->rec, "backend", "adopted") ?:
	    rec_set(ctx->rec, "ifname", "%s", n->interface) ?:
	    rec_set(ctx->rec, "inner", "%s", n->interface) ?: ns_save(ctx);
	if (!r)
		r = nl_link_move(ctx->host, idx, ctx->nsfd, NULL);
	if (r) {
		snprintf(ctx->err, ctx->errlen, "vpn '%s': cannot move '%s' "
			 "into the namespace: %s", n->name, n->interface,
			 strerror(-r));
		return r;
	}
	return configure_inside(ctx, n->interface, &n->address, &n->routes) ?:
	       write_dns(ctx, NULL);
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
	const char *ifname = rec_get(ctx->rec, "ifname");
	const char *inner = rec_get(ctx->rec, "inner");
	pid_t pid = (pid_t)rec_get_num(ctx->rec, "wgpid", 0);
	struct nl tmp = { 0 }, *in;
	int idx;

	if (ifname && (pid > 0 || is_backend(ctx->rec, "userspace")))
		wg_uapi_stop(ifname, pid, (unsigned long long)
			     rec_get_num(ctx->rec, "wgstart", 0));
	idx = ifname ? nl_link_index(ctx->host, ifname) : -ENODEV;
	if (idx > 0 && nl_link_del(ctx->host, idx))
		warn("link '%s': cannot delete, ignoring", ifname);
	in = inner ? inner_nl(ctx, &tmp) : NULL;
	idx = in ? nl_link_index(in, inner) : -ENODEV;
	if (idx > 0 && nl_link_del(in, idx))
		warn("link '%s' inside '%s': cannot delete, ignoring", inner,
		     ctx->name);
	nl_close(&tmp);
}

/* An adopted device goes back to the host, if it still exists. */
static void adopt_down(struct ns_ctx *ctx)
{
	const char *ifname = rec_get(ctx->rec, "ifname");
	_cleanup_close_ int host = open("/proc/self/ns/net",
					O_RDONLY | O_CLOEXEC);
	struct nl tmp = { 0 }, *in = ifname ? inner_nl(ctx, &tmp) : NULL;
	int idx = in ? nl_link_index(in, ifname) : -ENODEV, r;

	if (!ifname)
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
	const char *inner = rec_get(ctx->rec, "inner");

	if (!inner || nl_link_index(ctx->inner, inner) < 0)
		return false;
	return !is_backend(ctx->rec, "userspace") ||
	       wg_uapi_running((pid_t)rec_get_num(ctx->rec, "wgpid", 0),
			  (unsigned long long)rec_get_num(ctx->rec, "wgstart",
							  0));
}

/* The backend stays: it tells down never to delete an adopted device. */
static int forget_tunnel(struct ns_ctx *ctx)
{
	static const char *const keys[] = { "wgpid", "wgstart" };

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (rec_get(ctx->rec, keys[i]))
			(void)rec_set(ctx->rec, keys[i], "%s", "");
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

const struct net_ops net_vpn_ops = {
	.up = vpn_up,
	.down = vpn_down,
	.repair = vpn_repair,
	.own_dns = true,
	.uses_nat = false,
};

/* ---- status --------------------------------------------------------- */

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

int vpn_status(const char *name, const struct record *rec,
	       struct vpn_status *ret)
{
	_cleanup_close_ int fd = -1;
	struct nl in = { 0 };

	memset(ret, 0, sizeof(*ret));
	if (strcmp(rec_get(rec, "type") ?: "", "vpn"))
		return -EINVAL;
	snprintf(ret->backend, sizeof(ret->backend), "%s",
		 rec_get(rec, "backend") ?: "");
	snprintf(ret->inner, sizeof(ret->inner), "%s",
		 rec_get(rec, "inner") ?: "");
	snprintf(ret->host_ifname, sizeof(ret->host_ifname), "%s",
		 rec_get(rec, "ifname") ?: "");
	ret->pid = (pid_t)rec_get_num(rec, "wgpid", 0);
	fd = netns_open(name);
	if (fd >= 0 && *ret->inner && !nl_open_in(&in, fd)) {
		ret->up = nl_link_index(&in, ret->inner) > 0;
		nl_close(&in);
	}
	if (!strcmp(ret->backend, "userspace"))
		ret->up = ret->up && wg_uapi_running(ret->pid, (unsigned long long)
						rec_get_num(rec, "wgstart", 0));
	wg_state(name, fd, ret);
	return 0;
}
