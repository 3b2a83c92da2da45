// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_wgconf.c - the wg-quick parser: every bad config gets its exact
 * "FILE:LINE: MESSAGE"; a full config fills every field; keys round-trip
 * through base64 and hex; and wgconf_load() refuses a file that is not
 * root-owned or that group or others can read (it holds a private key).
 *
 * The file checks need root; without root they are skipped, except under
 * CI=true where that is a failure.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "util.h"
#include "wgconf.h"

/* Keys made with `wg genkey` / `wg pubkey` for these tests only. */
#define PRIV "IBsOiBkVfY1s9v08fedW5+5/CTNeIm7JtK93D8I8g0Y="
#define PUB1 "yAJAc0hOS3CSBplRhkZCRmI5J1Y7FhhRDfC0nmMeLB0="
#define PUB2 "6VxqAX6UJLi1TomUqI4wPPKs4At8rsRF2u1XiRVsBRU="
#define PSK  "G83DzX59hvm96I6ARHh8RM0phQnHtTP94y0AOBQylT4="

#define IFACE "[Interface]\nPrivateKey = " PRIV "\nAddress = 10.99.0.2/32\n"
#define PEER "[Peer]\nPublicKey = " PUB1 "\nAllowedIPs = 0.0.0.0/0\n"

struct bad_case {
	const char *text;
	const char *want;
};

static const struct bad_case bad[] = {
	{ "", "w.conf: no [Interface] section" },
	{ IFACE, "w.conf: no [Peer] section: the tunnel would lead nowhere" },
	{ PEER, "w.conf: no [Interface] section" },
	{ "[Interface]\nAddress = 10.99.0.2/32\n" PEER,
	  "w.conf:1: [Interface] has no 'PrivateKey'" },
	{ "# corp\n[Interface]\nPrivateKey = " PRIV "\n" PEER,
	  "w.conf:2: [Interface] has no 'Address'" },
	{ IFACE "[Peer]\nAllowedIPs = 0.0.0.0/0\n",
	  "w.conf:4: [Peer] has no 'PublicKey'" },
	{ IFACE PEER "[Peer]\nEndpoint = 192.0.2.1:51820\n",
	  "w.conf:7: [Peer] has no 'PublicKey'" },
	{ IFACE PEER PEER,
	  "w.conf:7: [Peer] has the same 'PublicKey' as the [Peer] on line 4" },
	{ "[Interface]\nPrivateKey = IBsOiBkVfY1s9v08fedW5+5/CTNeIm7JtK93D8I8g0!\n",
	  "w.conf:2: 'PrivateKey': not valid base64" },
	{ "[Interface]\nPrivateKey = abc\n",
	  "w.conf:2: 'PrivateKey': not valid base64" },
	{ "[Interface]\nPrivateKey = IBsOiBkVfY1s9v08fedW5+5/CTNeIm7JtK93D8I8\n",
	  "w.conf:2: 'PrivateKey': not a 32-byte key (44 base64 characters)" },
	{ IFACE "[Peer]\nPublicKey = AAAA" PUB1 "\n",
	  "w.conf:5: 'PublicKey': not a 32-byte key (44 base64 characters)" },
	{ IFACE "[Peer]\nPresharedKey = =" PSK "\n",
	  "w.conf:5: 'PresharedKey': not valid base64" },
	{ "[Interface]\nPrivateKey =\n", "w.conf:2: 'PrivateKey' has no value" },
	{ "[Interface]\nPrivateKey = " PRIV "\nprivatekey = " PRIV "\n",
	  "w.conf:3: 'PrivateKey' is given twice in [Interface]" },
	{ "[Interface]\nAddress = 10.99.0.2/33\n",
	  "w.conf:2: 'Address' '10.99.0.2/33': not an address/prefix" },
	{ "[Interface]\nAddress = 10.99.0.2/32,, fd00::2/128\n",
	  "w.conf:2: 'Address': empty entry in the list" },
	{ "[Interface]\nAddress = 10.99.0.2/32,\n",
	  "w.conf:2: 'Address': empty entry in the list" },
	{ "[Interface]\nDNS = 10.99.0.1, corp.example\n",
	  "w.conf:2: 'DNS' 'corp.example': not an IP address (search domains "
	  "are not supported)" },
	{ "[Interface]\nMTU = 100\n",
	  "w.conf:2: 'MTU' '100': not a number from 576 to 65535" },
	{ "[Interface]\nMTU = 1420x\n",
	  "w.conf:2: 'MTU' '1420x': not a number from 576 to 65535" },
	{ "[Interface]\nListenPort = 65536\n",
	  "w.conf:2: 'ListenPort' '65536': not a number from 0 to 65535" },
	{ "[Interface]\nListenPort = -1\n",
	  "w.conf:2: 'ListenPort' '-1': not a number from 0 to 65535" },
	{ "[Interface]\nFwMark = 0x1ffffffff\n",
	  "w.conf:2: 'FwMark' '0x1ffffffff': not 'off' or a number from 0 to "
	  "4294967295" },
	{ "[Interface]\nPostUp = iptables -F\n",
	  "w.conf:2: 'PostUp' is not supported: pam_netns runs no commands and "
	  "routes everything through the tunnel" },
	{ "[Interface]\nTable = off\n",
	  "w.conf:2: 'Table' is not supported: pam_netns runs no commands and "
	  "routes everything through the tunnel" },
	{ "[Interface]\nColour = blue\n",
	  "w.conf:2: unknown key 'Colour' in [Interface]" },
	{ IFACE "[Peer]\nAddress = 10.0.0.1/32\n",
	  "w.conf:5: unknown key 'Address' in [Peer]" },
	{ "PrivateKey = " PRIV "\n",
	  "w.conf:1: 'PrivateKey' is outside of a section" },
	{ IFACE "\n[Peers]\n", "w.conf:5: unknown section '[Peers]'" },
	{ IFACE "[Interface]\n",
	  "w.conf:4: a second [Interface] section (the first is on line 1)" },
	{ "[Interface]\nListenPort 51820\n",
	  "w.conf:2: expected 'Key = Value' or a [Section]" },
	{ "[Interface]\n = x\n", "w.conf:2: no key before '='" },
	{ IFACE "[Peer]\nEndpoint = 198.51.100.1\n",
	  "w.conf:5: 'Endpoint' '198.51.100.1': expected HOST:PORT or "
	  "[IPv6]:PORT" },
	{ IFACE "[Peer]\nEndpoint = 2001:db8::1:51820\n",
	  "w.conf:5: 'Endpoint' '2001:db8::1:51820': expected HOST:PORT or "
	  "[IPv6]:PORT" },
	{ IFACE "[Peer]\nEndpoint = [2001:db8::1]51820\n",
	  "w.conf:5: 'Endpoint' '[2001:db8::1]51820': expected HOST:PORT or "
	  "[IPv6]:PORT" },
	{ IFACE "[Peer]\nEndpoint = 198.51.100.1:0\n",
	  "w.conf:5: 'Endpoint' '198.51.100.1': port '0' is not a number from "
	  "1 to 65535" },
	{ IFACE "[Peer]\nEndpoint = 198.51.100.1:port\n",
	  "w.conf:5: 'Endpoint' '198.51.100.1': port 'port' is not a number "
	  "from 1 to 65535" },
	{ IFACE "[Peer]\nEndpoint = [vpn.example]:51820\n",
	  "w.conf:5: 'Endpoint': 'vpn.example' is not an IPv6 address" },
	{ IFACE "[Peer]\nEndpoint = vpn_corp!:51820\n",
	  "w.conf:5: 'Endpoint': 'vpn_corp!' is not an IP address or host "
	  "name" },
	{ IFACE "[Peer]\nAllowedIPs = 0.0.0.0/0, ::/129\n",
	  "w.conf:5: 'AllowedIPs' '::/129': not an address/prefix" },
	{ IFACE "[Peer]\nPersistentKeepalive = always\n",
	  "w.conf:5: 'PersistentKeepalive' 'always': not 'off' or a number "
	  "from 0 to 65535" },
	{ "[Interface]\nPrivate\0Key = x\n", "w.conf:2: line holds a NUL byte" },
};

static void test_bad(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		size_t len = strlen(bad[i].text);
		struct wg_conf *c = NULL;
		char err[512] = "", name[64];
		int r;

		/* the NUL case: its length is that of the literal */
		if (strstr(bad[i].want, "NUL"))
			len = sizeof("[Interface]\nPrivate\0Key = x\n") - 1;
		r = wgconf_parse(bad[i].text, len, "w.conf", &c, err,
				 sizeof(err));
		snprintf(name, sizeof(name), "bad config %zu is refused", i);
		ok(r == -EINVAL && !c, "%s", name);
		is(err, bad[i].want, bad[i].want);
		wgconf_free(c);
	}
}

static void test_long_line(void)
{
	char *text = malloc(5000), err[512];
	struct wg_conf *c;

	memcpy(text, "[Interface]\n", 12);
	memset(text + 12, 'x', 4500);
	is(wgconf_parse(text, 4512, "w.conf", &c, err, sizeof(err)) ? err : "",
	   "w.conf:2: line is longer than 4095 bytes", "an overlong line");
	free(text);
}

static const char full[] =
	"# corp VPN\r\n"
	"[Interface]\n"
	"PrivateKey = " PRIV "\n"
	"Address = 10.99.0.2/24, fd99::2/64\n"
	"address = 10.98.0.2\n"
	"DNS = 10.99.0.1, fd99::1   # internal resolvers\n"
	"MTU = 1380\n"
	"ListenPort = 51821\n"
	"FwMark = 0x1234\n"
	"\n"
	"[Peer]\n"
	"PublicKey = " PUB1 "\n"
	"PresharedKey = " PSK "\n"
	"Endpoint = 198.51.100.1:51820\n"
	"AllowedIPs = 0.0.0.0/0, ::/0\n"
	"PersistentKeepalive = 25\n"
	"[peer]\n"
	"PublicKey = " PUB2 "\n"
	"Endpoint = [2001:db8:100::1]:51822\n"
	"AllowedIPs = 10.1.2.3/8\n"
	"AllowedIPs = 2001:db8:1::/48\n"
	"PersistentKeepalive = off\n";

static const char *fmt(const struct cidr *c, char *buf)
{
	return cidr_format(c, true, buf, CIDR_STRLEN);
}

static void test_full(void)
{
	char err[512] = "", b[CIDR_STRLEN], k[WG_KEY_B64_LEN + 1], s[64];
	struct wg_conf *c = NULL;
	const struct wg_peer *p;

	ok(!wgconf_parse(full, sizeof(full) - 1, "w.conf", &c, err,
			 sizeof(err)), "a full config parses");
	if (!c) {
		printf("#   %s\n", err);
		return;
	}
	is(wgconf_key_b64(c->private_key, k), PRIV, "PrivateKey round-trips");
	ok(c->address.n == 3, "three addresses over two lines");
	is(fmt(&c->address.v[0], b), "10.99.0.2/24", "address 1 keeps host bits");
	is(fmt(&c->address.v[1], b), "fd99::2/64", "address 2 (IPv6)");
	is(fmt(&c->address.v[2], b), "10.98.0.2/32", "address 3 defaults to /32");
	ok(c->dns.n == 2, "two DNS servers, comment stripped");
	is(cidr_format(&c->dns.v[1], false, b, sizeof(b)), "fd99::1", "DNS 2");
	ok(c->mtu == 1380, "MTU");
	ok(c->has_listen_port && c->listen_port == 51821, "ListenPort");
	ok(c->fwmark == 0x1234, "FwMark in hex");
	ok(c->n_peers == 2, "two peers, section names case-insensitive");
	p = &c->peers[0];
	is(wgconf_key_b64(p->public_key, k), PUB1, "peer 1 PublicKey");
	ok(p->has_psk, "peer 1 has a PresharedKey");
	is(wgconf_key_b64(p->preshared_key, k), PSK, "and it round-trips");
	is(wgconf_sockaddr_str((const void *)&p->endpoint.sa, s, sizeof(s)),
	   "198.51.100.1:51820", "peer 1 endpoint resolved (numeric)");
	ok(p->keepalive == 25 && p->n_allowed == 2, "peer 1 keepalive, 2 IPs");
	p = &c->peers[1];
	ok(p->line == 17 && !p->has_psk && !p->keepalive, "peer 2 defaults");
	is(wgconf_sockaddr_str((const void *)&p->endpoint.sa, s, sizeof(s)),
	   "[2001:db8:100::1]:51822", "peer 2 endpoint in brackets");
	ok(p->n_allowed == 2, "AllowedIPs over two lines");
	is(fmt(&p->allowed[0], b), "10.0.0.0/8", "AllowedIPs host bits cleared");
	wgconf_free(c);
}

static void test_keys(void)
{
	uint8_t key[WG_KEY_LEN];
	char hex[2 * WG_KEY_LEN + 1];

	ok(!wgconf_b64_key(PUB1, key), "a public key decodes");
	is(wgconf_key_hex(key, hex), "c8024073484e4b709206995186464246"
	   "623927563b1618510df0b49e631e2c1d", "its hex form, for the UAPI");
	ok(wgconf_b64_key("AAAA", key) == -EMSGSIZE, "too short a key");
	ok(wgconf_b64_key("AA=A", key) == -EINVAL, "padding inside");
}

static void test_hostname(void)
{
	static const char text[] = IFACE "[Peer]\nPublicKey = " PUB1 "\n"
				   "Endpoint = vpn.example.invalid:51820\n";
	struct wg_conf *c = NULL;
	char err[512] = "";

	ok(!wgconf_parse(text, sizeof(text) - 1, "w.conf", &c, err,
			 sizeof(err)) && c, "a host name endpoint parses");
	if (!c)
		return;
	ok(c->peers[0].endpoint.salen == 0, "and stays unresolved");
	is(c->peers[0].endpoint.host, "vpn.example.invalid", "host kept");
	ok(c->peers[0].endpoint.port == 51820, "port kept");
	wgconf_free(c);
}

static void write_file(const char *path, const char *text, mode_t mode,
		       uid_t uid)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, text, strlen(text)) < 0 ||
	    fchown(fd, uid, 0) || fchmod(fd, mode))
		perror(path);
	if (fd >= 0)
		close(fd);
}

static void test_files(void)
{
	char dir[] = "/run/pn-test-wgconf-XXXXXX", path[128], err[512], want[256];
	static const char text[] = IFACE PEER;
	struct wg_conf *c = NULL;

	if (geteuid() != 0) {
		ok(!getenv("CI") || strcmp(getenv("CI"), "true"),
		   "file checks need root # SKIP not root");
		return;
	}
	if (!mkdtemp(dir) || chmod(dir, 0755)) {
		ok(0, "cannot make %s", dir);
		return;
	}
	snprintf(path, sizeof(path), "%s/corp.conf", dir);
	write_file(path, text, 0600, 0);
	ok(!wgconf_load(path, &c, err, sizeof(err)) && c, "a 0600 root file loads");
	wgconf_free(c);

	write_file(path, text, 0640, 0);
	snprintf(want, sizeof(want), "%s: is readable by group or others, and "
		 "it holds a private key (chmod 600 it)", path);
	is(wgconf_load(path, &c, err, sizeof(err)) == -EPERM ? err : "", want,
	   "a group-readable file is refused");
	write_file(path, text, 0604, 0);
	is(wgconf_load(path, &c, err, sizeof(err)) == -EPERM ? err : "", want,
	   "a world-readable file is refused");

	write_file(path, text, 0600, 65534);
	snprintf(want, sizeof(want), "%s: is not owned by root", path);
	is(wgconf_load(path, &c, err, sizeof(err)) == -EPERM ? err : "", want,
	   "a file not owned by root is refused");

	write_file(path, IFACE "[Pear]\n", 0600, 0);
	snprintf(want, sizeof(want), "%s:4: unknown section '[Pear]'", path);
	is(wgconf_load(path, &c, err, sizeof(err)) ? err : "", want,
	   "parse errors name the real path");
	unlink(path);
	rmdir(dir);
}

int main(void)
{
	test_bad();
	test_long_line();
	test_full();
	test_keys();
	test_hostname();
	test_files();
	return done_testing();
}
