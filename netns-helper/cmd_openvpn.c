// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_openvpn.c - `netns-helper openvpn-up`, OpenVPN's --up command:
 * tell the resident service what the server gave the client for its
 * device (the tunnel verb, protocol.h; cmd_adopt.c checks it against the
 * policy), from the variables OpenVPN sets for its scripts:
 *
 *   dev                          the device
 *   ifconfig_local               IPv4, with ifconfig_netmask (subnet
 *                                topology) or alone (a /32 point to point)
 *   ifconfig_ipv6_local          IPv6, with ifconfig_ipv6_netbits
 *   foreign_option_N             "dhcp-option DNS A", "dhcp-option DNS6 A"
 *
 * It runs with OpenVPN's privileges (root under openvpn-client@.service,
 * whose bounding set lacks CAP_SYS_ADMIN, before a "user" option drops
 * them) and needs nothing more: it only connects to the service's socket,
 * in a directory only root may enter. It reads only these variables of
 * its environment, and always exits 0: OpenVPN gives up on a failed --up,
 * and the namespace is sealed whatever the check says; the service's
 * answer goes to OpenVPN's log (this command's stderr).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cmds.h"
#include "log.h"
#include "util.h"

#define SEND_WAIT_S	5	/* a service that does not accept */
#define ANSWER_WAIT_MS	25000	/* the check may adopt the device first */
#define DNS_OPTIONS_MAX	32

/* The prefix of a contiguous IPv4 netmask, or -1. */
static int mask_bits(const char *mask)
{
	struct in_addr a;
	uint32_t m;
	int bits = 0;

	if (inet_pton(AF_INET, mask, &a) != 1)
		return -1;
	m = ntohl(a.s_addr);
	while (m & 0x80000000u) {
		bits++;
		m <<= 1;
	}
	return m ? -1 : bits;
}

/* "A/P[,A/P]" of what the server gave; "" when nothing. */
static int addresses(char **env, char *buf, size_t len)
{
	const char *v4 = env_get(env, "ifconfig_local");
	const char *mask = env_get(env, "ifconfig_netmask");
	const char *v6 = env_get(env, "ifconfig_ipv6_local");
	const char *bits6 = env_get(env, "ifconfig_ipv6_netbits");
	int bits = mask ? mask_bits(mask) : 32, n = 0;

	*buf = '\0';
	if (v4 && bits < 0)
		return -EINVAL;
	if (v4)
		n = snprintf(buf, len, "%s/%d", v4, bits);
	if (v6 && bits6 && n >= 0 && (size_t)n < len)
		n += snprintf(buf + n, len - (size_t)n, "%s%s/%s", n ? "," : "",
			      v6, bits6);
	return n < 0 || (size_t)n >= len ? -E2BIG : 0;
}

/* "A[,A]" of the pushed resolvers; "" when none. */
static int resolvers(char **env, char *buf, size_t len)
{
	size_t n = 0;

	*buf = '\0';
	for (int i = 1; i <= DNS_OPTIONS_MAX; i++) {
		char key[32], a[64];
		const char *v;

		snprintf(key, sizeof(key), "foreign_option_%d", i);
		v = env_get(env, key);
		if (!v)
			break;
		if (sscanf(v, "dhcp-option DNS %63s", a) != 1 &&
		    sscanf(v, "dhcp-option DNS6 %63s", a) != 1)
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s", n ? "," : "",
				      a);
		if (n >= len)
			return -E2BIG;
	}
	return 0;
}

static int request(char **env, char *req, size_t len)
{
	const char *dev = env_get(env, "dev");
	char addr[256], dns[512];
	int r;

	if (!dev) {
		err("openvpn-up: no 'dev' in the environment: run it as "
		    "OpenVPN's --up");
		return -EINVAL;
	}
	r = addresses(env, addr, sizeof(addr)) ?:
	    resolvers(env, dns, sizeof(dns));
	if (r) {
		err("openvpn-up: %s: cannot read what its server gave it",
		    dev);
		return r;
	}
	if (!*addr) {
		info("openvpn-up: %s: its server gave it no address: nothing "
		     "to check", dev);
		return -ENOENT;
	}
	*req = '\0';
	return pn_request_add(req, len, PN_KEY_VERB, PN_VERB_TUNNEL) ?:
	       pn_request_add(req, len, PN_OPT_DEV, dev) ?:
	       pn_request_add(req, len, PN_OPT_ADDRESS, addr) ?:
	       (*dns ? pn_request_add(req, len, PN_OPT_DNS, dns) : 0);
}

/* Send @req, relay the answer's lines to stderr. */
static void ask(int fd, const char *req)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	char ans[PN_MESSAGE_MAX + 1];
	ssize_t n;

	if (send(fd, req, strlen(req), MSG_NOSIGNAL) < 0 ||
	    poll(&p, 1, ANSWER_WAIT_MS) != 1 ||
	    (n = recv(fd, ans, sizeof(ans) - 1, 0)) <= 0) {
		err("openvpn-up: the pam_netns service did not answer: %m");
		return;
	}
	ans[n] = '\0';
	for (char *l = strtok(ans, "\n"); l; l = strtok(NULL, "\n"))
		if (strncmp(l, PN_KEY_EXIT "=", sizeof(PN_KEY_EXIT)))
			fprintf(stderr, "netns-helper: %s\n", l);
}

int cmd_openvpn_up(struct ctx *ctx, int argc, char **argv)
{
	char req[PN_REQUEST_MAX + 1];
	unsigned uid = 0;
	int fd;

	/* OpenVPN appends the device, MTUs, addresses and "init" */
	(void)argc;
	(void)argv;
	if (request(ctx->env, req, sizeof(req)))
		return EXIT_OK;
	fd = pn_service_connect(SEND_WAIT_S, &uid);
	if (fd == -EPERM && uid) {
		err("openvpn-up: %s: the server runs as uid %u, not root: not "
		    "asked", PN_SOCKET_PATH, uid);
		return EXIT_OK;
	}
	if (fd < 0) {
		err("openvpn-up: no pam_netns service at %s (%s): what the "
		    "server gave the client is not checked", PN_SOCKET_PATH,
		    strerror(-fd));
		return EXIT_OK;
	}
	ask(fd, req);
	(void)close(fd);
	return EXIT_OK;
}
