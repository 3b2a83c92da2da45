// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dns.c - the resolv.conf of a namespace (see dns.h).
 *
 * NETNS_ETC_DIR/NAME is made by the helper and removed by netns_delete();
 * it is opened with O_NOFOLLOW|O_DIRECTORY and written through openat(),
 * so nothing planted there can redirect the write.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "dns.h"
#include "net_kind.h"
#include "netns_file.h"
#include "util.h"

#define MAX_NS 3	/* glibc reads at most three nameservers */

const char *dns_path(const char *netns, char *buf, size_t len)
{
	snprintf(buf, len, "%s/%s/resolv.conf", NETNS_ETC_DIR, netns);
	return buf;
}

static bool is_loopback(const struct cidr *a)
{
	static const uint8_t lo6[16] = { [15] = 1 };

	return (a->family == AF_INET && a->addr[0] == 127) ||
	       (a->family == AF_INET6 && !memcmp(a->addr, lo6, 16));
}

/* Append the usable nameservers of resolv.conf-format file @path. */
static void host_servers(const char *path, struct cidr_list *out)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[256], addr[128];
	struct cidr c;

	while (f && out->n < MAX_NS && fgets(line, sizeof(line), f))
		if (sscanf(line, " nameserver %127s", addr) == 1 &&
		    !cidr_parse(addr, false, &c) && !is_loopback(&c))
			out->v[out->n++] = c;
}

static void pick_servers(const struct network *net, struct cidr_list *out)
{
	const struct net_kind *k = net_kind_of(net->type);

	out->n = 0;
	if (net->dns.n) {
		*out = net->dns;
		return;
	}
	if (!k || !k->host_dns)
		return;	/* no way to the host's resolvers, by design */
	host_servers("/etc/resolv.conf", out);
	if (!out->n)	/* behind the systemd-resolved stub */
		host_servers("/run/systemd/resolve/resolv.conf", out);
}

static int open_etc_dir(const char *netns)
{
	_cleanup_close_ int etc = dir_make_open(AT_FDCWD, NETNS_ETC_DIR, 0755);

	return etc < 0 ? etc : dir_make_open(etc, netns, 0755);
}

static int write_file(int dir, const struct network *net,
		      const struct cidr_list *l)
{
	_cleanup_fclose_ FILE *f = NULL;
	char buf[CIDR_STRLEN];
	int fd;

	(void)unlinkat(dir, "resolv.conf", 0);
	fd = openat(dir, "resolv.conf", O_WRONLY | O_CREAT | O_EXCL |
		    O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	f = fdopen(fd, "w");
	if (!f) {
		(void)close(fd);
		return -errno;
	}
	fprintf(f, "# written by netns-helper for network '%s'\n", net->name);
	if (!l->n)
		fprintf(f, "# no DNS servers in this network\n");
	for (size_t i = 0; i < l->n; i++)
		fprintf(f, "nameserver %s\n",
			cidr_format(&l->v[i], false, buf, sizeof(buf)));
	return fflush(f) ? -errno : 0;
}

int dns_write(const char *netns, const struct network *net, char *err,
	      size_t errlen)
{
	_cleanup_close_ int dir = open_etc_dir(netns);
	struct cidr_list servers;
	char path[256];
	int r;

	if (dir < 0) {
		r = dir;
	} else {
		pick_servers(net, &servers);
		r = write_file(dir, net, &servers);
	}
	if (r)
		snprintf(err, errlen, "%s: cannot write: %s",
			 dns_path(netns, path, sizeof(path)), strerror(-r));
	return r;
}
