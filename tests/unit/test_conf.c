// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_conf.c - the policy file: every invalid policy gets its exact
 * "FILE:LINE: MESSAGE"; valid policies fill every field of every network
 * type and rule, with the documented defaults; the example policy in
 * etc/ parses; drop-ins share the main file's names, follow its rules, and
 * may not set the default; and conf_check_file() and the drop-in directory
 * refuse files a non-root user could have written (symlinks, FIFOs,
 * directories, wrong owner or mode, too big, unsafe parent directories),
 * and only names ending in .conf are read, in byte order.
 *
 * The file checks need root (files owned by root and by another uid are
 * made under a private directory in /run); without root they are
 * skipped, except under CI=true where that is a failure.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "conf.h"
#include "net_kind.h"
#include "tap.h"
#include "util.h"

#define EXAMPLE "etc/pam_netns.conf"

/* Network definitions start on line 2. */
#define NETS(...) "networks = {\n" __VA_ARGS__ "};\n"
#define NAT_A "  a = { type = \"nat\"; pool = \"10.213.0.0/16\"; };\n"

struct bad_case {
	const char *text;
	const char *want;
};

static const struct bad_case bad[] = {
	/* raw text */
	{ "@include \"/etc/shadow\"\n", "t.conf:1: @include is not allowed" },
	{ "# \"@\"\nnetworks = {\n  a = { type = \"isolated\"; }; @x\n};\n",
	  "t.conf:3: @include is not allowed" },
	{ "/* \"\n*/ x = \"\\\"\" @\n",
	  "t.conf:2: @include is not allowed" },
	{ NETS("  a = ;\n"), "t.conf:2: syntax error" },
	{ "rules = ( , );\n", "t.conf:1: syntax error" },
	{ "rules = ( { network = \"host\"; },, );\n", "t.conf:1: syntax error" },
	{ "networks = {\n  a = { type = \"isolated\"; },\n};\nx = 1,\n",
	  "t.conf:4: unknown key 'x'" },
	{ "networks = {\n  a = { type = \"isolated\"; };\n"
	  "  a = { type = \"isolated\"; };\n};\n",
	  "t.conf:3: syntax error: duplicate setting name" },
	{ NETS("  a = { type = \"nat\"; pool = \"10.213.0.0/16\";\n"
	       "    forward = ( { proto = \"tcp\"; port = 4294967376; } ); };\n"),
	  "t.conf:3: integer 4294967376 is out of range" },
	{ "default = 0x100000001;\n",
	  "t.conf:1: integer 0x100000001 is out of range" },
	/* top level */
	{ "\n\nfoo = 1;\n", "t.conf:3: unknown key 'foo'" },
	{ "networks = ( );\n", "t.conf:1: 'networks' must be a group" },
	{ "default = \"allow\";\n",
	  "t.conf:1: default must be \"host\" or \"deny\"" },
	{ "\ndefault = true;\n",
	  "t.conf:2: default must be \"host\" or \"deny\"" },
	/* network names and types */
	{ NETS("  Lab = { type = \"isolated\"; };\n"),
	  "t.conf:2: network name 'Lab': contains a character other than "
	  "a-z 0-9 _ -" },
	{ NETS("  *x = { type = \"isolated\"; };\n"),
	  "t.conf:2: network name '*x': contains a character other than "
	  "a-z 0-9 _ -" },
	{ NETS("  host = { type = \"isolated\"; };\n"),
	  "t.conf:2: network name 'host': is reserved" },
	{ NETS("  abcdefghij-abcdefghij = { type = \"isolated\"; };\n"),
	  "t.conf:2: network name 'abcdefghij-abcdefghij': is longer than "
	  "20 bytes" },
	{ NETS("  a = 5;\n"), "t.conf:2: network 'a': must be a group" },
	{ NETS("\n  lab = { };\n"), "t.conf:3: network 'lab': missing 'type'" },
	{ NETS("  lab = {\n    tpye = \"nat\"; pool = \"10.0.0.0/8\"; };\n"),
	  "t.conf:3: network 'lab': unknown key 'tpye'" },
	{ NETS("  lab = { pool = \"10.0.0.0/8\";\n    colour = 1; };\n"),
	  "t.conf:3: network 'lab': unknown key 'colour'" },
	{ NETS("  lab = { type = \"nat\"; pool = \"10.0.0.0/8\";\n"
	       "    tpye = \"nat\"; };\n"),
	  "t.conf:3: network 'lab': unknown key 'tpye'" },
	{ NETS("  lab = { pool = \"10.0.0.0/8\"; };\n"),
	  "t.conf:2: network 'lab': missing 'type'" },
	{ NETS("  lab = {\n    type = \"wifi\"; };\n"),
	  "t.conf:3: network 'lab': unknown type 'wifi' (expected isolated, "
	  "nat, vpn, macvlan, physical or bridge)" },
	{ NETS("  lab = { type = 1; };\n"),
	  "t.conf:2: network 'lab': 'type' must be a string" },
	{ NETS("  lab = { type = \"isolated\";\n    dns = \"192.0.2.53\"; };\n"),
	  "t.conf:3: network 'lab': unknown key 'dns' for type 'isolated'" },
	{ NETS("  lab = { type = \"nat\"; pool = \"10.213.0.0/16\"; "
	       "parent = \"eth0\"; };\n"),
	  "t.conf:2: network 'lab': unknown key 'parent' for type 'nat'" },
	/* nat */
	{ NETS("\n  lab = { type = \"nat\"; };\n"),
	  "t.conf:3: network 'lab': type 'nat' needs 'pool'" },
	{ NETS("  lab = { type = \"nat\";\n    pool = \"10.0.0.1/8\"; };\n"),
	  "t.conf:3: network 'lab': 'pool' '10.0.0.1/8': host bits set" },
	{ NETS("  lab = { type = \"nat\"; pool = \"abc\"; };\n"),
	  "t.conf:2: network 'lab': 'pool' 'abc': not an address/prefix" },
	{ NETS("  lab = { type = \"nat\"; pool = \"10.0.0.0\"; };\n"),
	  "t.conf:2: network 'lab': 'pool' '10.0.0.0': not an address/prefix" },
	{ NETS("  lab = { type = \"nat\"; pool = \"10.0.0.0/31\"; };\n"),
	  "t.conf:2: network 'lab': 'pool' '10.0.0.0/31': prefix must be "
	  "between 8 and 30" },
	{ NETS("  lab = { type = \"nat\"; pool = \"10.0.0.0/7\"; };\n"),
	  "t.conf:2: network 'lab': 'pool' '10.0.0.0/7': prefix must be "
	  "between 8 and 30" },
	{ NETS("  lab = { type = \"nat\"; pool = \"fd00::/64\"; };\n"),
	  "t.conf:2: network 'lab': 'pool' 'fd00::/64': must be IPv4" },
	{ NETS("  lab = { type = \"nat\"; pool = [\"10.0.0.0/8\"]; };\n"),
	  "t.conf:2: network 'lab': 'pool' must be a string" },
	{ NETS("  lab = { type = \"nat\"; pool = \"10.0.0.0/8\";\n"
	       "    pool6 = \"10.1.0.0/16\"; };\n"),
	  "t.conf:3: network 'lab': 'pool6' '10.1.0.0/16': must be IPv6" },
	{ NETS("  lab = { type = \"nat\"; pool = \"10.0.0.0/8\"; "
	       "pool6 = \"fd00::/80\"; };\n"),
	  "t.conf:2: network 'lab': 'pool6' 'fd00::/80': prefix must be "
	  "between 16 and 64" },
	{ NETS("  lab = { type = \"nat\"; pool = \"10.0.0.0/8\"; "
	       "uplink = \"bad name\"; };\n"),
	  "t.conf:2: network 'lab': 'uplink' 'bad name': contains a "
	  "character other than a-z 0-9 _ -" },
	{ NETS("  lab = { type = \"nat\"; pool = \"10.0.0.0/8\"; "
	       "uplink = \"eth0123456789abc\"; };\n"),
	  "t.conf:2: network 'lab': 'uplink' 'eth0123456789abc': is longer "
	  "than 15 bytes" },
	{ NETS("  lab = { type = \"nat\"; pool = \"10.0.0.0/8\"; dns = 5; };\n"),
	  "t.conf:2: network 'lab': 'dns' must be a list of strings" },
	{ NETS("  lab = { type = \"nat\"; pool = \"10.0.0.0/8\";\n"
	       "    dns = [ \"192.0.2.53\",\n            \"::1/128\" ]; };\n"),
	  "t.conf:4: network 'lab': 'dns' '::1/128': not an address" },
	{ NETS("  lab = { type = \"nat\"; pool = \"10.0.0.0/8\"; "
	       "dns = ( \"192.0.2.53\", 5 ); };\n"),
	  "t.conf:2: network 'lab': 'dns' must be a list of strings" },
	{ NETS("  lab = { type = \"nat\"; pool = \"10.0.0.0/8\"; "
	       "allow = [ \"10.1.0.1/16\" ]; };\n"),
	  "t.conf:2: network 'lab': 'allow' '10.1.0.1/16': host bits set" },
	{ NETS("  lab = { type = \"nat\"; pool = \"10.0.0.0/8\"; "
	       "deny = \"example.org\"; };\n"),
	  "t.conf:2: network 'lab': 'deny' 'example.org': not an "
	  "address/prefix" },
	{ NETS(NAT_A "  b = { type = \"nat\";\n    pool = \"10.0.0.0/8\"; };\n"),
	  "t.conf:4: network 'b': 'pool' 10.0.0.0/8 overlaps network 'a' "
	  "(line 2)" },
	{ NETS("  a = { type = \"nat\"; pool = \"10.1.0.0/16\"; "
	       "pool6 = \"fd6e:7300::/48\"; };\n"
	       "  b = { type = \"nat\"; pool = \"10.2.0.0/16\"; "
	       "pool6 = \"fd6e:7300:0:1::/64\"; };\n"),
	  "t.conf:3: network 'b': 'pool6' fd6e:7300:0:1::/64 overlaps network "
	  "'a' (line 2)" },
	/* forwards */
	{ NETS("  a = { type = \"nat\"; pool = \"10.213.0.0/16\"; forward = (\n"
	       "    { proto = \"icmp\"; port = 1; } ); };\n"),
	  "t.conf:3: network 'a': forward: unknown proto 'icmp' (expected "
	  "tcp or udp)" },
	{ NETS("  a = { type = \"nat\"; pool = \"10.213.0.0/16\"; forward = (\n"
	       "    { proto = \"tcp\"; port = 70000; } ); };\n"),
	  "t.conf:3: network 'a': forward: port 70000 out of range 1-65535" },
	{ NETS("  a = { type = \"nat\"; pool = \"10.213.0.0/16\"; forward = (\n"
	       "    { proto = \"tcp\"; port = 80; to = 0; } ); };\n"),
	  "t.conf:3: network 'a': forward: to 0 out of range 1-65535" },
	{ NETS("  a = { type = \"nat\"; pool = \"10.213.0.0/16\"; forward = (\n"
	       "    { proto = \"tcp\"; port = \"80\"; } ); };\n"),
	  "t.conf:3: network 'a': forward: 'port' must be an integer" },
	{ NETS("  a = { type = \"nat\"; pool = \"10.213.0.0/16\"; forward = (\n"
	       "    { proto = \"udp\"; } ); };\n"),
	  "t.conf:3: network 'a': forward: missing 'port'" },
	{ NETS("  a = { type = \"nat\"; pool = \"10.213.0.0/16\"; forward = (\n"
	       "    { port = 53; } ); };\n"),
	  "t.conf:3: network 'a': forward: missing 'proto'" },
	{ NETS("  a = { type = \"nat\"; pool = \"10.213.0.0/16\"; forward = (\n"
	       "    { proto = \"tcp\"; port = 80; host = 1; } ); };\n"),
	  "t.conf:3: network 'a': forward: unknown key 'host'" },
	{ NETS("  a = { type = \"nat\"; pool = \"10.213.0.0/16\"; "
	       "forward = ( \"tcp\" ); };\n"),
	  "t.conf:2: network 'a': forward: must be a group" },
	{ NETS("  a = { type = \"nat\"; pool = \"10.213.0.0/16\"; "
	       "forward = 80; };\n"),
	  "t.conf:2: network 'a': 'forward' must be a list of groups" },
	{ NETS("  a = { type = \"nat\"; pool = \"10.1.0.0/16\"; forward = (\n"
	       "    { proto = \"tcp\"; port = 8080; } ); };\n"
	       "  b = { type = \"nat\"; pool = \"10.2.0.0/16\"; forward = (\n"
	       "    { proto = \"udp\"; port = 8080; },\n"
	       "    { proto = \"tcp\"; port = 8080; to = 80; } ); };\n"),
	  "t.conf:6: network 'b': forward: tcp port 8080 is already "
	  "forwarded by network 'a' (line 3)" },
	/* vpn */
	{ NETS("  corp = { type = \"vpn\"; };\n"),
	  "t.conf:2: network 'corp': type 'vpn' needs 'wireguard' or "
	  "'interface'" },
	{ NETS("  corp = { type = \"vpn\"; wireguard = \"/etc/wg.conf\";\n"
	       "    interface = \"tun0\"; };\n"),
	  "t.conf:3: network 'corp': 'wireguard' and 'interface' exclude "
	  "each other" },
	{ NETS("  corp = { type = \"vpn\"; wireguard = \"wg.conf\"; };\n"),
	  "t.conf:2: network 'corp': 'wireguard' must be an absolute path" },
	{ NETS("  corp = { type = \"vpn\"; wireguard = \"/etc/wg.conf\";\n"
	       "    routes = [ \"0.0.0.0/0\" ]; };\n"),
	  "t.conf:3: network 'corp': 'routes' needs 'interface'" },
	{ NETS("  corp = { type = \"vpn\"; interface = \"tun0\"; "
	       "timeout = 30; };\n"),
	  "t.conf:2: network 'corp': timeout 30 out of range 1-29: it must "
	  "be below the 30 s a login may take (pam_netns(8), timeout=)" },
	{ NETS("  corp = { type = \"vpn\"; interface = \"tun0\"; "
	       "timeout = 0; };\n"),
	  "t.conf:2: network 'corp': timeout 0 out of range 1-29: it must "
	  "be below the 30 s a login may take (pam_netns(8), timeout=)" },
	{ NETS("  corp = { type = \"vpn\"; interface = \"tun0\"; "
	       "timeout = 1.5; };\n"),
	  "t.conf:2: network 'corp': 'timeout' must be an integer" },
	{ NETS("  corp = { type = \"vpn\"; interface = \"tun0\"; "
	       "address = \"10.8.0.2\"; };\n"),
	  "t.conf:2: network 'corp': 'address' '10.8.0.2': not an "
	  "address/prefix" },
	{ NETS("  corp = { type = \"vpn\"; interface = \"tun0\"; "
	       "dns = \"10.8.0.1\"; };\n"),
	  "t.conf:2: network 'corp': vpn 'corp': 'interface' needs "
	  "'address': the address the VPN server gives this client "
	  "(OpenVPN: a fixed ifconfig-push)" },
	{ NETS("  corp = { type = \"vpn\"; interface = \"tun0\"; "
	       "address = \"10.8.0.2/24\"; };\n"),
	  "t.conf:2: network 'corp': vpn 'corp': 'interface' needs 'dns': "
	  "the resolvers the VPN server pushes (the host's cannot be "
	  "reached from inside)" },
	{ NETS("  corp = { type = \"vpn\"; interface = \"tun0\";\n"
	       "    address = \"10.8.0.2/24\"; dns = \"10.8.0.1\";\n"
	       "    routes = [ \"10.0.0.0/8\", \"fd00::/8\" ]; };\n"),
	  "t.conf:4: network 'corp': route fd00::/8: 'address' has no IPv6 "
	  "address" },
	{ NETS("  corp = { type = \"vpn\"; interface = \"tun0\"; "
	       "forward = (); };\n"),
	  "t.conf:2: network 'corp': unknown key 'forward' for type 'vpn'" },
	/* macvlan */
	{ NETS("  wire = { type = \"macvlan\"; address = \"dhcp\"; };\n"),
	  "t.conf:2: network 'wire': type 'macvlan' needs 'parent'" },
	{ NETS("  wire = { type = \"macvlan\"; parent = \"eth0\"; };\n"),
	  "t.conf:2: network 'wire': type 'macvlan' needs 'address'" },
	{ NETS("  wire = { type = \"macvlan\"; parent = \"eth0\"; "
	       "address = []; };\n"),
	  "t.conf:2: network 'wire': type 'macvlan' needs 'address'" },
	{ NETS("  wire = { type = \"macvlan\"; parent = \"eth0\"; "
	       "address = \"dhcp\";\n    mode = \"passthru\"; };\n"),
	  "t.conf:3: network 'wire': unknown mode 'passthru' (expected "
	  "bridge, private or vepa)" },
	{ NETS("  wire = { type = \"macvlan\"; parent = \"eth0\"; "
	       "address = \"dhcp\";\n    gateway = \"192.0.2.1\"; };\n"),
	  "t.conf:3: network 'wire': 'gateway' is not allowed with address "
	  "\"dhcp\"" },
	{ NETS("  wire = { type = \"macvlan\"; parent = \"eth0\"; "
	       "address = \"192.0.2.5/24\"; gateway = \"198.51.100.1\"; };\n"),
	  "t.conf:2: network 'wire': 'gateway' 198.51.100.1 is not inside "
	  "any 'address'" },
	{ NETS("  wire = { type = \"macvlan\"; parent = \"eth0\"; "
	       "address = \"192.0.2.5/24\";\n"
	       "    gateway = [ \"192.0.2.1\", \"192.0.2.254\" ]; };\n"),
	  "t.conf:3: network 'wire': 'gateway' has more than one IPv4 "
	  "address" },
	{ NETS("  wire = { type = \"macvlan\"; parent = \"eth0\"; "
	       "address = \"192.0.2.5/24\"; gateway = \"192.0.2.1/24\"; };\n"),
	  "t.conf:2: network 'wire': 'gateway' '192.0.2.1/24': not an "
	  "address" },
	/* physical */
	{ NETS("  nic = { type = \"physical\"; };\n"),
	  "t.conf:2: network 'nic': type 'physical' needs 'device'" },
	{ NETS("  nic = { type = \"physical\"; device = \"eth:1\"; };\n"),
	  "t.conf:2: network 'nic': 'device' 'eth:1': contains a character "
	  "other than a-z 0-9 _ -" },
	/* bridge */
	{ NETS("  l2 = { type = \"bridge\"; bridge = \"br0\"; };\n"),
	  "t.conf:2: network 'l2': type 'bridge' needs 'subnet'" },
	{ NETS("  l2 = { type = \"bridge\"; subnet = \"10.214.0.0/24\"; };\n"),
	  "t.conf:2: network 'l2': type 'bridge' needs 'bridge'" },
	{ NETS("  l2 = { type = \"bridge\"; bridge = \"br0\"; "
	       "subnet = \"10.214.0.0/24\"; nat = \"yes\"; };\n"),
	  "t.conf:2: network 'l2': 'nat' must be true or false" },
	{ NETS(NAT_A "  l2 = { type = \"bridge\"; bridge = \"br0\"; "
	       "subnet = \"10.213.7.0/24\"; };\n"),
	  "t.conf:3: network 'l2': 'subnet' 10.213.7.0/24 overlaps network "
	  "'a' (line 2)" },
	/* rules */
	{ "rules = { };\n", "t.conf:1: 'rules' must be a list of groups" },
	{ "rules = ( \"root\" );\n", "t.conf:1: rule: must be a group" },
	{ "rules = (\n  { user = \"root\"; network = \"host\"; when = 1; } );\n",
	  "t.conf:2: rule: unknown key 'when'" },
	{ "rules = (\n  { user = \"root\"; } );\n",
	  "t.conf:2: rule: missing 'network'" },
	{ "rules = (\n  { user = \"root\";\n    network = \"nope\"; } );\n",
	  "t.conf:3: rule: network 'nope' is not defined" },
	{ "rules = ( { network = 1; } );\n",
	  "t.conf:1: rule: 'network' must be a string" },
	{ NETS(NAT_A) "rules = ( { network = \"a\";\n  scope = \"forever\"; } );\n",
	  "t.conf:5: rule: unknown scope 'forever' (expected shared, user or "
	  "session)" },
	{ "rules = ( { network = \"host\";\n  scope = \"user\"; } );\n",
	  "t.conf:2: rule: 'scope' needs a network" },
	{ "rules = ( { network = \"deny\"; systemd_user = true; } );\n",
	  "t.conf:1: rule: 'systemd_user' needs a network" },
	{ NETS(NAT_A) "rules = ( { network = \"a\"; systemd_user = 1; } );\n",
	  "t.conf:4: rule: 'systemd_user' must be true or false" },
	{ NETS(NAT_A) "rules = ( { network = \"a\"; scope = \"session\";\n"
	  "  systemd_user = true; } );\n",
	  "t.conf:5: rule: 'systemd_user' needs scope 'user' or 'shared', not 'session'" },
	{ "rules = ( { user = \"a b\"; network = \"host\"; } );\n",
	  "t.conf:1: rule: 'user' 'a b': contains whitespace, ':', '/' or a "
	  "control character" },
	{ "rules = ( { group = \"../etc\"; network = \"host\"; } );\n",
	  "t.conf:1: rule: 'group' '../etc': contains whitespace, ':', '/' or "
	  "a control character" },
	{ "rules = ( { user = \"a\\tb\"; network = \"host\"; } );\n",
	  "t.conf:1: rule: 'user' 'a\tb': contains whitespace, ':', '/' or a "
	  "control character" },
	{ "rules = ( { user = \"\"; network = \"host\"; } );\n",
	  "t.conf:1: rule: 'user' is empty" },
	{ "rules = ( { user = [ \"root\" ]; network = \"host\"; } );\n",
	  "t.conf:1: rule: 'user' must be a string" },
	{ "rules = ( { service = [ \"sshd\", \"su do\" ]; network = \"host\"; } );\n",
	  "t.conf:1: rule: 'service' 'su do': contains whitespace or a "
	  "control character" },
	{ "rules = ( { rhost = [ ]; service = 5; network = \"host\"; } );\n",
	  "t.conf:1: rule: 'service' must be a list of strings" },
	{ "rules = ( { service = [ \"1\", \"2\", \"3\", \"4\", \"5\", \"6\", "
	  "\"7\", \"8\", \"9\", \"10\", \"11\", \"12\", \"13\", \"14\", \"15\", "
	  "\"16\", \"17\" ]; network = \"host\"; } );\n",
	  "t.conf:1: rule: 'service' has more than 16 entries" },
	{ NETS("  nic = { type = \"physical\"; device = \"eth1\"; };\n")
	  "rules = ( { user = \"a\"; network = \"nic\"; } );\n",
	  "t.conf:4: rule: network 'nic' is physical: only scope 'shared' is "
	  "possible" },
	{ NETS("  nic = { type = \"physical\"; device = \"eth1\"; };\n")
	  "rules = ( { user = \"a\"; network = \"nic\";\n  scope = \"session\"; } );\n",
	  "t.conf:5: rule: network 'nic' is physical: only scope 'shared' is "
	  "possible" },
	{ NETS("  wire = { type = \"macvlan\"; parent = \"eth0\"; "
	       "address = \"192.0.2.5/24\"; };\n")
	  "rules = ( { user = \"a\"; network = \"wire\"; } );\n",
	  "t.conf:4: rule: network 'wire' is a macvlan with a static address: "
	  "only scope 'shared' is possible (or address = \"dhcp\")" },
};

static void test_bad(void)
{
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char err[CONF_ERR_MAX] = "";
		struct conf *c = (struct conf *)&err;
		int r = conf_parse(bad[i].text, strlen(bad[i].text), "t.conf",
				   &c, err, sizeof(err));

		if (!is(err, bad[i].want, "exact error"))
			printf("#   policy:\n%s", bad[i].text);
		ok(r == -EINVAL && !c, "  refused with -EINVAL and no conf");
	}
}

/* Parse @text, failing the test with the message when it does not parse. */
static struct conf *parse(const char *text, const char *what)
{
	char err[CONF_ERR_MAX] = "";
	struct conf *c = NULL;
	int r = conf_parse(text, strlen(text), "t.conf", &c, err, sizeof(err));

	if (!ok(!r && c, "%s parses", what))
		printf("#   %s\n", err);
	return r ? NULL : c;
}

static bool cidr_is(const struct cidr *c, const char *want)
{
	char buf[CIDR_STRLEN];

	return !strcmp(cidr_format(c, true, buf, sizeof(buf)), want);
}

static const char full[] =
	"# every key of every type\n"					/* 1 */
	"networks = {\n"
	"  off = { type = \"isolated\"; };\n"
	"  lab = { type = \"nat\"; uplink = \"eth0\";\n"
	"    pool = \"10.213.0.0/16\"; pool6 = \"fd6e:7300::/48\";\n"	/* 5 */
	"    dns = [ \"192.0.2.53\", \"2001:db8::53\" ];\n"
	"    allow = \"0.0.0.0/0\"; deny = ( \"10.0.0.0/8\", \"fd00::/8\" );\n"
	"    forward = ( { proto = \"tcp\"; port = 10105; to = 22; },\n"
	"                { proto = \"udp\"; port = 5353L; } ); };\n"
	"  corp = { type = \"vpn\"; wireguard = \"/etc/wireguard/corp.conf\";\n" /* 10 */
	"    dns = \"10.8.0.1\"; timeout = 29; };\n"
	"  ovpn = { type = \"vpn\"; interface = \"tun-corp\";\n"
	"    address = [ \"10.9.0.2/24\", \"fd00:9::2/64\" ];\n"
	"    routes = [ \"10.0.0.0/8\" ]; dns = \"10.9.0.1\"; };\n"
	"  ovpn2 = { type = \"vpn\"; interface = \"tun1\"; address = \"10.10.0.2/24\"; dns = \"10.10.0.1\"; };\n"		/* 15 */
	"  wire = { type = \"macvlan\"; parent = \"eth0\"; address = \"dhcp\"; };\n"
	"  wire2 = { type = \"macvlan\"; parent = \"eth1\"; mode = \"vepa\";\n"
	"    address = [ \"192.0.2.80/24\", \"2001:db8:1::80/64\" ];\n"
	"    gateway = [ \"2001:db8:1::1\", \"192.0.2.1\" ];\n"
	"    dns = [ \"192.0.2.53\" ]; };\n"				/* 20 */
	"  nic = { type = \"physical\"; device = \"enp3s1f0\";\n"
	"    address = \"198.51.100.80/24\"; gateway = \"fe80::1\"; };\n"
	"  l2 = { type = \"bridge\"; bridge = \"pnbr0\"; subnet = \"10.214.0.0/24\";\n"
	"    nat = true; dns = \"10.214.0.1\"; allow = [ \"203.0.113.0/24\" ];\n"
	"    deny = [ \"203.0.113.9\" ]; };\n"				/* 25 */
	"  l3 = { type = \"bridge\"; bridge = \"pnbr1\"; subnet = \"10.215.0.0/24\"; };\n"
	"};\n"
	"rules = (\n"
	"  { user = \"root\"; network = \"host\"; },\n"
	"  { group = \"contractors\"; network = \"off\"; },\n"		/* 30 */
	"  { user = \"alice\"; network = \"corp\"; scope = \"user\"; systemd_user = true; },\n"
	"  { group = \"students\"; network = \"lab\"; scope = \"session\";\n"
	"    service = [ \"sshd\", \"login\" ]; rhost = \"192.0.2.0/24\"; },\n"
	"  { group = \"lab\"; network = \"lab\"; scope = \"shared\"; },\n"
	"  { network = \"nic\"; scope = \"shared\"; service = \"su\"; },\n" /* 35 */
	"  { user = \"mallory\"; network = \"deny\"; },\n"
	"  { network = \"wire\"; }\n"
	");\n"
	"default = \"deny\";\n";

static void check_nat(const struct network *n)
{
	ok(n && n->type == NET_NAT && n->line == 4 &&
	   !strcmp(n->uplink, "eth0") &&
	   cidr_is(&n->pool, "10.213.0.0/16") &&
	   cidr_is(&n->pool6, "fd6e:7300::/48"), "nat: uplink, pool, pool6");
	ok(n && n->dns.n == 2 && cidr_is(&n->dns.v[0], "192.0.2.53/32") &&
	   cidr_is(&n->dns.v[1], "2001:db8::53/128"), "nat: dns v4 and v6");
	ok(n && n->allow.n == 1 && cidr_is(&n->allow.v[0], "0.0.0.0/0") &&
	   n->deny.n == 2 && cidr_is(&n->deny.v[1], "fd00::/8"),
	   "nat: allow as a single string, deny as a list");
	ok(n && n->n_forward == 2 && n->forward[0].proto == IPPROTO_TCP &&
	   n->forward[0].port == 10105 && n->forward[0].to == 22 &&
	   n->forward[0].line == 8 && n->forward[1].proto == IPPROTO_UDP &&
	   n->forward[1].port == 5353 && n->forward[1].to == 5353,
	   "nat: forwards, 'to' defaults to 'port', 64-bit literals");
}

static void check_vpn(const struct conf *c)
{
	const struct network *n = conf_network(c, "corp");

	ok(n && n->type == NET_VPN &&
	   !strcmp(n->wireguard, "/etc/wireguard/corp.conf") &&
	   !*n->interface && n->timeout == 29 && n->dns.n == 1 &&
	   !n->routes.n && !n->address.n, "vpn wireguard: path, timeout, dns");
	n = conf_network(c, "ovpn");
	ok(n && !strcmp(n->interface, "tun-corp") && !*n->wireguard &&
	   n->address.n == 2 && cidr_is(&n->address.v[0], "10.9.0.2/24") &&
	   cidr_is(&n->address.v[1], "fd00:9::2/64") && n->routes.n == 1 &&
	   cidr_is(&n->routes.v[0], "10.0.0.0/8") && n->timeout == 10,
	   "vpn interface: address, routes, timeout defaults to 10");
	n = conf_network(c, "ovpn2");
	ok(n && n->routes.n == 1 && cidr_is(&n->routes.v[0], "0.0.0.0/0"),
	   "vpn interface: routes default to the default route of each "
	   "family it has an address of");
}

static void check_macvlan_physical(const struct conf *c)
{
	const struct network *n = conf_network(c, "wire");

	ok(n && n->type == NET_MACVLAN && !strcmp(n->parent, "eth0") &&
	   n->dhcp &&
	   n->mode == MVL_PRIVATE && !n->address.n && !n->gateway.family,
	   "macvlan: dhcp, mode defaults to private");
	n = conf_network(c, "wire2");
	ok(n && !strcmp(n->parent, "eth1") && !n->dhcp && n->mode == MVL_VEPA &&
	   n->address.n == 2 &&
	   cidr_is(&n->address.v[1], "2001:db8:1::80/64") &&
	   cidr_is(&n->gateway, "192.0.2.1/32") &&
	   cidr_is(&n->gateway6, "2001:db8:1::1/128") && n->dns.n == 1,
	   "macvlan: static addresses, one gateway per family");
	n = conf_network(c, "nic");
	ok(n && n->type == NET_PHYSICAL && !strcmp(n->device, "enp3s1f0") &&
	   n->address.n == 1 && cidr_is(&n->address.v[0], "198.51.100.80/24") &&
	   !n->gateway.family && cidr_is(&n->gateway6, "fe80::1/128"),
	   "physical: device, address, link-local gateway");
}

static void check_bridge(const struct conf *c)
{
	const struct network *n = conf_network(c, "l2");

	ok(n && n->type == NET_BRIDGE && !strcmp(n->bridge, "pnbr0") &&
	   cidr_is(&n->subnet, "10.214.0.0/24") && n->nat && n->dns.n == 1 &&
	   n->allow.n == 1 && cidr_is(&n->deny.v[0], "203.0.113.9/32"),
	   "bridge: every key");
	n = conf_network(c, "l3");
	ok(n && !n->nat && !n->dns.n, "bridge: nat defaults to false");
	n = conf_network(c, "off");
	ok(n && n->type == NET_ISOLATED && n->line == 3, "isolated");
}

static void check_rules(const struct conf *c)
{
	const struct rule *r = c->rules;

	ok(c->n_rules == 8, "eight rules");
	if (c->n_rules != 8)
		return;
	ok(r[0].verdict == VERDICT_HOST && !strcmp(r[0].user, "root") &&
	   !*r[0].group && r[0].line == 29 && !r[0].net, "rule: host verdict");
	ok(r[1].verdict == VERDICT_NETWORK &&
	   !strcmp(r[1].group, "contractors") &&
	   r[1].net == conf_network(c, "off") && !strcmp(r[1].network, "off") &&
	   r[1].scope == SCOPE_USER && !r[1].systemd_user,
	   "rule: scope defaults to user");
	ok(r[2].scope == SCOPE_USER && r[2].systemd_user, "rule: systemd_user");
	ok(r[3].scope == SCOPE_SESSION && r[3].n_service == 2 &&
	   !strcmp(r[3].service[1], "login") && r[3].n_rhost == 1 &&
	   !strcmp(r[3].rhost[0], "192.0.2.0/24") && r[3].line == 32,
	   "rule: service list, rhost string, session scope");
	ok(r[4].scope == SCOPE_SHARED, "rule: shared scope");
	ok(r[5].net && r[5].net->type == NET_PHYSICAL && r[5].n_service == 1 &&
	   !*r[5].user, "rule: physical with shared scope");
	ok(r[6].verdict == VERDICT_DENY, "rule: deny verdict");
	ok(!*r[7].user && !*r[7].group && !r[7].n_service && !r[7].n_rhost &&
	   r[7].net == conf_network(c, "wire"),
	   "rule: matching everyone is allowed");
	ok(c->def == VERDICT_DENY && c->default_line == 39, "default deny");
}

static void test_full(void)
{
	struct conf *c = parse(full, "a policy with every key");

	if (!c)
		return;
	ok(c->n_nets == 10 && !strcmp(c->path, "t.conf"), "ten networks");
	check_nat(conf_network(c, "lab"));
	check_vpn(c);
	check_macvlan_physical(c);
	check_bridge(c);
	check_rules(c);
	ok(!conf_network(c, "nope") && !conf_network(c, "host"),
	   "conf_network: unknown names");
	conf_free(c);
}

static void test_small(void)
{
	struct conf *c = parse("", "an empty file");

	ok(c && !c->n_nets && !c->n_rules && c->def == VERDICT_HOST &&
	   !c->default_line, "empty: no networks, no rules, default host");
	conf_free(c);
	c = parse("# \"@include\" in a comment\n/* @\n @ */ // @\n"
		  "networks = { a = { type = \"isolated\"; }; };\n"
		  "rules = ( { user = \"@x\\\"@\"; network = \"a\"; } );\n",
		  "'@' inside strings and comments");
	ok(c && c->n_rules == 1 && !strcmp(c->rules[0].user, "@x\"@"),
	   "  the string keeps its '@'");
	conf_free(c);
	c = parse("networks = { };\nrules = [ ];\n",
		  "an empty networks group and rules array");
	conf_free(c);
	c = parse("networks = { a = { type = \"nat\"; pool = \"10.0.0.0/8\";\n"
		  "  dns = [ \"192.0.2.1\", \"192.0.2.2\", ]; }; };\n"
		  "rules = (\n  { network = \"a\"; service = ( \"su\", ); },\n"
		  "  { network = \"host\"; }, # the last one\n);\n",
		  "a comma after the last entry of a list or array");
	ok(c && c->n_rules == 2 && c->rules[1].line == 5 &&
	   c->nets[0].dns.n == 2 && c->rules[0].n_service == 1,
	   "  changes neither entries nor lines");
	conf_free(c);
	c = parse("networks = {\n  a = { type = \"nat\";\n    pool = \"10.0.0.0/8\";\n"
		  "    pool6 = \"fd00::/48\"; };\n  b = { type = \"bridge\"; "
		  "bridge = \"br0\";\n    subnet = \"192.168.1.0/24\"; }; };\n"
		  "rules = ( { network = \"a\";\n  user = \"u\";\n"
		  "  group = \"g\"; } );\n", "lines of ranges and names");
	ok(c && c->nets[0].pool_line == 3 && c->nets[0].pool6_line == 4 &&
	   !c->nets[0].subnet_line && c->nets[1].subnet_line == 6 &&
	   !c->nets[1].pool_line && c->rules[0].user_line == 8 &&
	   c->rules[0].group_line == 9, "  each with the line of its key");
	conf_free(c);
	c = parse("default = \"host\";\n", "default host");
	ok(c && c->def == VERDICT_HOST && c->default_line == 1,
	   "  with its line");
	conf_free(c);
}

/* HEAD, then PRE i POST for i in 0..n-1, then TAIL. */
static char *many(const char *head, const char *pre, const char *post,
		  int n, const char *tail)
{
	size_t len = strlen(head) + strlen(tail) +
		     (size_t)n * (strlen(pre) + strlen(post) + 12) + 1;
	char *s = malloc(len), *p = s;

	if (!s)
		abort();
	p += sprintf(p, "%s", head);
	for (int i = 0; i < n; i++)
		p += sprintf(p, "%s%d%s", pre, i, post);
	sprintf(p, "%s", tail);
	return s;
}

/* @n repetitions parse, @n + 1 are refused with @want. */
static void test_limit(const char *head, const char *pre, const char *post,
		       int n, const char *tail, const char *want)
{
	char err[CONF_ERR_MAX] = "";
	struct conf *c = NULL;
	char *s = many(head, pre, post, n, tail);

	c = parse(s, "the largest allowed count");
	conf_free(c);
	free(s);
	s = many(head, pre, post, n + 1, tail);
	ok(conf_parse(s, strlen(s), "t.conf", &c, err, sizeof(err)) == -EINVAL,
	   "one more is refused");
	is(err, want, want);
	free(s);
}

static void test_limits(void)
{
	char want[128];

	test_limit("networks = {\n", " n", " = { type = \"isolated\"; };", 256,
		   "};", "t.conf:1: 'networks' has more than 256 entries");
	test_limit("rules = (\n", " { user = \"u", "\"; network = \"host\"; },",
		   1023, " { network = \"deny\"; } );",
		   "t.conf:1: 'rules' has more than 1024 entries");
	snprintf(want, sizeof(want), "t.conf:1: network 'a': 'dns' has more "
		 "than %d entries", CONF_MAX_LIST);
	test_limit("networks = { a = { type = \"nat\"; pool = \"10.0.0.0/8\"; "
		   "dns = [ \"192.0.2.1\"", ", \"192.0.2.", "\"", 31,
		   " ]; }; };", want);
}

static void test_nul_and_names(void)
{
	static const char text[] = "networks = {\n\0 };\n";
	char err[CONF_ERR_MAX] = "";
	struct conf *c = NULL;
	char *end;

	ok(conf_parse(text, sizeof(text) - 1, "t.conf", &c, err,
		      sizeof(err)) == -EINVAL && !c, "a NUL byte is refused");
	is(err, "t.conf:2: contains a NUL byte", "  with its line");
	ok(conf_parse("networks = {", 12, "t.conf", &c, err, sizeof(err)) ==
	   -EINVAL, "text without a trailing NUL is read within its length");
	ok(!conf_parse("default = \"deny\";XXXX", 17, "t.conf", &c, err,
		       sizeof(err)) && c && c->def == VERDICT_DENY,
	   "  and nothing past it");
	conf_free(c);
	/* exactly sized, so that ASan sees any read past the end */
	end = malloc(11);
	memcpy(end, "default = 5", 11);
	ok(conf_parse(end, 11, "t.conf", &c, err, sizeof(err)) == -EINVAL,
	   "a number at the very end of the text");
	is(err, "t.conf:1: default must be \"host\" or \"deny\"",
	   "  is read within the text");
	free(end);
	is(net_type_str(NET_BRIDGE), "bridge", "net_type_str");
	is(net_type_str(NET_ISOLATED), "isolated", "net_type_str isolated");
	is(net_scope_str(SCOPE_SESSION), "session", "net_scope_str");
	is(net_scope_str(SCOPE_SHARED), "shared", "net_scope_str shared");
}

/* Every kind of the table (net_kind.c) is found by its type and its name,
 * knows "type", and can be brought up and down. */
static void test_kinds(void)
{
	const struct net_kind *k;
	size_t n = 0;
	bool good = true;

	for (size_t i = 0; (k = net_kind_at(i)); i++, n++) {
		good = good && k->name && net_kind_of(k->type) == k &&
		       net_kind_by_name(k->name) == k && k->keys &&
		       !strcmp(k->keys[0], "type") && k->up && k->down &&
		       (k->ranges || !k->n_ranges);
		if (!good)
			printf("# kind %zu ('%s') is incomplete\n", i,
			       k->name ?: "?");
	}
	ok(good && n == 6, "the six kinds, each complete");
	ok(!net_kind_by_name("wifi") && !net_kind_by_name(NULL),
	   "no kind 'wifi'");
	ok(net_kind_by_name("vpn")->own_dns &&
	   !net_kind_by_name("vpn")->host_dns &&
	   !net_kind_by_name("isolated")->host_dns &&
	   net_kind_by_name("bridge")->uses_nat &&
	   net_kind_by_name("nat")->uses_nat &&
	   !net_kind_by_name("macvlan")->uses_nat, "the kinds' flags");
}

/* ---- drop-ins ------------------------------------------------------- */

#define MAIN_F "t.conf"
#define DROP_A "t.d/10-a.conf"
#define DROP_B "t.d/20-b.conf"

/* Parse main + drop-ins (NULL-terminated texts after @main). */
static int parse_set(struct conf **ret, char *err, const char *main_text,
		     const char *a, const char *b)
{
	struct conf_file f[3] = { { .path = MAIN_F }, { .path = DROP_A },
				 { .path = DROP_B } };
	const char *t[3] = { main_text, a, b };
	size_t n = b ? 3 : a ? 2 : 1;

	for (size_t i = 0; i < n; i++) {
		f[i].text = (char *)t[i];
		f[i].len = strlen(t[i]);
	}
	*ret = NULL;
	*err = '\0';
	return conf_parse_files(f, n, ret, err, CONF_ERR_MAX);
}

static void dropin_refused(const char *main_text, const char *a,
			   const char *b, const char *want)
{
	char err[CONF_ERR_MAX];
	struct conf *c;
	int r = parse_set(&c, err, main_text, a, b);

	is(err, want, want);
	ok(r == -EINVAL && !c, "  refused with -EINVAL and no conf");
}

static void test_dropin_errors(void)
{
	const char *iso = "networks = {\n  a = { type = \"isolated\"; };\n};\n";

	dropin_refused(iso, "\nnetworks = { b = { type = \"isolated\"; };\n"
		       "  a = { type = \"isolated\"; }; };\n",
		       NULL, DROP_A ":3: network 'a' is already defined at "
		       MAIN_F ":2");
	dropin_refused("", "networks = { b = { type = \"isolated\"; }; };\n",
		       "networks = {\n\n b = { type = \"nat\"; pool = \"10.0.0.0/8\"; }; };\n",
		       DROP_B ":3: network 'b' is already defined at "
		       DROP_A ":1");
	dropin_refused(iso, "rules = ( { user = \"u\"; network = \"a\"; } );\n"
		       "default = \"host\";\n", NULL,
		       DROP_A ":2: default: only the main file " MAIN_F
		       " may set it");
	dropin_refused("default = \"deny\";\n" "rules = ( { network = \"host\"; } );\n",
		       "rules = (\n  { user = \"u\"; network = \"host\"; },\n"
		       "  { network = \"host\"; } );\n", NULL,
		       DROP_A ":3: rule: matches every login: only the main "
		       "file may have such a rule, as only it sets the "
		       "default");
	dropin_refused(NETS(NAT_A), "networks = {\n  b = { type = \"nat\";\n"
		       "    pool = \"10.213.7.0/24\"; }; };\n", NULL,
		       DROP_A ":3: network 'b': 'pool' 10.213.7.0/24 overlaps "
		       "network 'a' (" MAIN_F ":2)");
	dropin_refused(NETS("  a = { type = \"nat\"; pool = \"10.1.0.0/16\";\n"
			    "    forward = ( { proto = \"tcp\"; port = 22; } ); };\n"),
		       "networks = { b = { type = \"nat\"; pool = \"10.2.0.0/16\";\n"
		       "  forward = { proto = \"tcp\"; port = 22; }; }; };\n",
		       NULL, DROP_A ":2: network 'b': forward: tcp port 22 is "
		       "already forwarded by network 'a' (" MAIN_F ":3)");
	dropin_refused(iso, "rules = ( { user = \"u\"; network = \"b\"; } );\n",
		       NULL, DROP_A ":1: rule: network 'b' is not defined");
	dropin_refused(iso, "networks = { b = { type = \"isolated\"; } };\n",
		       "networks = {\n  c = ;\n};\n",
		       DROP_B ":2: syntax error");
	dropin_refused(iso, "@include \"/etc/shadow\"\n", NULL,
		       DROP_A ":1: @include is not allowed");
	dropin_refused(iso, "\nnetwork = { };\n", NULL,
		       DROP_A ":2: unknown key 'network'");
}

static void test_dropin_limits(void)
{
	char err[CONF_ERR_MAX];
	struct conf *c = NULL;
	char *m = many("networks = {\n", " m", " = { type = \"isolated\"; };",
		       200, "};\n");
	char *a = many("networks = {\n", " a", " = { type = \"isolated\"; };",
		       56, "};\n");
	char *b = many("networks = {\n", " b", " = { type = \"isolated\"; };",
		       1, "};\n");

	ok(!parse_set(&c, err, m, a, NULL) && c && c->n_nets == 256,
	   "256 networks over two files %s", err);
	conf_free(c);
	ok(parse_set(&c, err, m, a, b) == -EINVAL && !c,
	   "a 257th in a third file is refused");
	is(err, DROP_B ":1: the policy files have more than 256 networks "
	   "together", "  naming the file");
	free(m);
	free(a);
	free(b);
}

static void test_dropin_order(void)
{
	char err[CONF_ERR_MAX];
	struct conf *c = NULL;
	const char *main_text =
		"networks = { lab = { type = \"nat\"; pool = \"10.213.0.0/16\"; }; };\n"
		"rules = (\n"
		"  { user = \"root\"; network = \"host\"; },\n"
		"  { group = \"staff\"; network = \"iso\"; }\n"	/* 4 */
		");\n"
		"default = \"deny\";\n";
	const char *a =
		"networks = {\n  iso = { type = \"isolated\"; };\n};\n"
		"rules = ( { user = \"alice\"; network = \"lab\"; } );\n";
	const char *b =
		"rules = (\n  { service = \"sshd\"; network = \"iso\"; },\n"
		"  { rhost = \"192.0.2.0/24\"; network = \"deny\"; } );\n";

	ok(!parse_set(&c, err, main_text, a, b) && c,
	   "a main file and two drop-ins %s", err);
	if (!c)
		return;
	ok(c->n_files == 3 && !strcmp(c->files[0], MAIN_F) &&
	   !strcmp(c->files[1], DROP_A) && !strcmp(c->files[2], DROP_B) &&
	   !strcmp(c->path, MAIN_F), "  every file is named, the main first");
	ok(c->n_nets == 2 && !strcmp(c->nets[0].name, "lab") &&
	   c->nets[0].file == c->files[0] && c->nets[0].line == 1 &&
	   !strcmp(c->nets[1].name, "iso") &&
	   c->nets[1].file == c->files[1] && c->nets[1].line == 2,
	   "  networks carry their file and line");
	ok(c->n_rules == 5 &&
	   c->rules[0].file == c->files[0] && c->rules[0].line == 3 &&
	   c->rules[1].file == c->files[0] && c->rules[1].line == 4 &&
	   c->rules[2].file == c->files[1] && c->rules[2].line == 4 &&
	   c->rules[3].file == c->files[2] && c->rules[3].line == 2 &&
	   c->rules[4].file == c->files[2] && c->rules[4].line == 3,
	   "  rules: the main file's, then each drop-in's, in order");
	ok(c->rules[1].net == conf_network(c, "iso") &&
	   c->rules[2].net == conf_network(c, "lab"),
	   "  a rule may name a network of any file");
	ok(c->def == VERDICT_DENY && c->default_line == 6,
	   "  the default is the main file's");
	conf_free(c);
	ok(!parse_set(&c, err, "", "rules = ( { user = \"u\"; network = \"host\"; } );\n",
		      NULL) && c && c->n_files == 2 && c->def == VERDICT_HOST,
	   "an empty main file and a drop-in %s", err);
	conf_free(c);
}

static void dropin_dir_is(const char *path, const char *want)
{
	char buf[PATH_MAX];

	ok(!conf_dropin_dir(path, buf, sizeof(buf)) && !strcmp(buf, want),
	   "the drop-ins of %s are in %s", path, want);
}

static void test_dropin_dir(void)
{
	char small[8];

	dropin_dir_is("/etc/security/pam_netns.conf", "/etc/security/pam_netns.d");
	dropin_dir_is("/srv/policy", "/srv/policy.d");
	dropin_dir_is("/srv/.conf", "/srv/.conf.d");
	ok(conf_dropin_dir("/srv/policy.conf", small, sizeof(small)) ==
	   -ENAMETOOLONG, "a name too long for the buffer");
}

static void test_example(void)
{
	static char text[CONF_MAX_SIZE];
	FILE *f = fopen(EXAMPLE, "r");
	size_t len = f ? fread(text, 1, sizeof(text), f) : 0;
	char err[CONF_ERR_MAX] = "";
	struct conf *c = NULL;

	if (f)
		fclose(f);
	if (!ok(len > 0, "%s is readable (run from the source tree)", EXAMPLE))
		return;
	ok(!conf_parse(text, len, EXAMPLE, &c, err, sizeof(err)),
	   "%s parses %s", EXAMPLE, err);
	ok(c && conf_network(c, "offline") && conf_network(c, "lab") &&
	   conf_network(c, "corp") && conf_network(c, "wire") &&
	   conf_network(c, "nic") && conf_network(c, "l2") && c->n_rules >= 5 &&
	   c->def == VERDICT_HOST, "%s has the documented networks", EXAMPLE);
	conf_free(c);
}

/* ---- files ---------------------------------------------------------- */

static char dir[] = "/run/pn-test-conf.XXXXXX";
static bool made_dir;

static int write_file(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");

	if (!f)
		return -1;
	fputs(text, f);
	if (fclose(f))
		return -1;
	return chmod(path, mode);
}

static char *at(const char *name)
{
	static char buf[4][PATH_MAX];
	static int i;

	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* conf_check_file(@name) must fail with "PATH: @reason". */
static void refused(const char *path, const char *reason)
{
	char err[CONF_ERR_MAX] = "", want[PATH_MAX + 128];
	int fd = -2;
	int r = conf_check_file(path, 64, &fd, err, sizeof(err));

	snprintf(want, sizeof(want), "%s: %s", path, reason);
	is(err, want, want);
	ok(r < 0 && fd == -2, "  fails and returns no fd");
}

static void refused_parent(const char *path, const char *dirname,
			   const char *reason)
{
	char buf[PATH_MAX + 64];

	snprintf(buf, sizeof(buf), "parent directory %s %s", dirname, reason);
	refused(path, buf);
}

static int make_fixtures(void)
{
	int r = 0;

	r |= write_file(at("ok.conf"), "default = \"deny\";\n", 0644);
	r |= write_file(at("bad.conf"), "\nrules = ( { } );\n", 0600);
	r |= write_file(at("big.conf"), "# 65 bytes ......................."
			"..............................\n", 0644);
	r |= symlink(at("ok.conf"), at("link.conf"));
	r |= mkfifo(at("fifo.conf"), 0644);
	r |= mkdir(at("dir.conf"), 0755);
	r |= write_file(at("gw.conf"), "", 0664);
	r |= write_file(at("ow.conf"), "", 0602);
	r |= write_file(at("user.conf"), "", 0644);
	r |= chown(at("user.conf"), 1, 1);
	r |= mkdir(at("gdir"), 0775) | chmod(at("gdir"), 0775);
	r |= write_file(at("gdir/x.conf"), "", 0644);
	r |= mkdir(at("udir"), 0755) | chown(at("udir"), 1, 1);
	r |= write_file(at("udir/x.conf"), "", 0644);
	r |= mkdir(at("real"), 0755);
	r |= write_file(at("real/x.conf"), "", 0644);
	r |= symlink(at("real"), at("ldir"));
	return r;
}

static void test_load(void)
{
	_cleanup_free_ char *huge = malloc(CONF_MAX_SIZE + 2);
	char err[CONF_ERR_MAX] = "", want[PATH_MAX + 64];
	struct conf *c = NULL;

	ok(!conf_load(at("ok.conf"), &c, err, sizeof(err)) && c &&
	   c->def == VERDICT_DENY && !strcmp(c->path, at("ok.conf")),
	   "conf_load reads and parses a safe file %s", err);
	conf_free(c);
	snprintf(want, sizeof(want), "%s:2: rule: missing 'network'",
		 at("bad.conf"));
	ok(conf_load(at("bad.conf"), &c, err, sizeof(err)) == -EINVAL && !c,
	   "conf_load of an invalid policy fails");
	is(err, want, "  naming the file and line");
	memset(huge, '#', CONF_MAX_SIZE + 1);
	huge[CONF_MAX_SIZE + 1] = '\0';
	ok(!write_file(at("huge.conf"), huge, 0644),
	   "a file of 1 MiB + 1 byte");
	snprintf(want, sizeof(want), "%s: is larger than 1048576 bytes",
		 at("huge.conf"));
	ok(conf_load(at("huge.conf"), &c, err, sizeof(err)) == -EFBIG && !c,
	   "conf_load refuses it");
	is(err, want, "  with the limit");
	huge[CONF_MAX_SIZE] = '\0';
	ok(!write_file(at("huge.conf"), huge, 0644) &&
	   !conf_load(at("huge.conf"), &c, err, sizeof(err)) && c,
	   "exactly 1 MiB of comments is accepted");
	conf_free(c);
}

static void test_relative(void)
{
	int cwd = open(".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	char err[CONF_ERR_MAX] = "", want[PATH_MAX + 64];

	if (!ok(cwd >= 0 && !chdir(at("gdir")), "chdir into a directory"))
		return;
	snprintf(want, sizeof(want), "x.conf: parent directory %s is "
		 "writable by group or others", at("gdir"));
	ok(conf_check_file("x.conf", 64, NULL, err, sizeof(err)) == -EPERM,
	   "a relative path is checked from the current directory");
	is(err, want, "  naming the absolute directory");
	ok(!chdir(at("real")) &&
	   !conf_check_file("x.conf", 64, NULL, err, sizeof(err)),
	   "a relative path in a safe directory is accepted");
	ok(!fchdir(cwd), "back to the source tree");
	close(cwd);
}

/* ---- drop-in directories ------------------------------------------ */

static const char *const dropin_names[] = {
	"20-b.conf", "10-a.conf", "10-a.conf~", "10-a.conf.dpkg-old",
	"10-a.conf.dpkg-dist", ".hidden.conf", ".conf", "README",
	"10-a.conf.Xy12Ab", "#10-a.conf#",
};

/* A policy p.conf whose drop-in directory p.d holds @dropin_names, only
 * the first two of which are read. */
static int make_dropins(void)
{
	int r = write_file(at("p.conf"), "networks = { m = { type = "
			   "\"isolated\"; }; };\n", 0644) |
		mkdir(at("p.d"), 0755);

	for (size_t i = 0; i < ARRAY_SIZE(dropin_names); i++) {
		char path[PATH_MAX];

		snprintf(path, sizeof(path), "%s/%s", at("p.d"),
			 dropin_names[i]);
		r |= write_file(path, i < 2 ? "rules = ( { user = \"u\"; "
				"network = \"m\"; } );\n" :
				"this = is not read;\n", 0644);
	}
	return r;
}

/* conf_load of p.conf fails with "@file: @reason". */
static void load_refused(const char *file, const char *reason)
{
	char err[CONF_ERR_MAX] = "", want[PATH_MAX + 128];
	struct conf *c = NULL;

	snprintf(want, sizeof(want), "%s: %s", file, reason);
	ok(conf_load(at("p.conf"), &c, err, sizeof(err)) < 0 && !c,
	   "  conf_load refuses it");
	is(err, want, want);
}

static void test_dropin_files(void)
{
	char err[CONF_ERR_MAX] = "", path[PATH_MAX], want[PATH_MAX + 64];
	struct conf *c = NULL;

	if (!ok(!make_dropins(), "a drop-in directory"))
		return;
	ok(!conf_load(at("p.conf"), &c, err, sizeof(err)) && c,
	   "conf_load reads the main file and its drop-ins %s", err);
	ok(c && c->n_files == 3 && !strcmp(c->files[1], at("p.d/10-a.conf")) &&
	   !strcmp(c->files[2], at("p.d/20-b.conf")) && c->n_rules == 2 &&
	   c->rules[0].file == c->files[1],
	   "  only names ending in .conf and not hidden, in byte order");
	conf_free(c);

	ok(!chmod(at("p.d"), 0775), "a group-writable drop-in directory");
	load_refused(at("p.d"), "is writable by group or others");
	ok(!chmod(at("p.d"), 0755) && !chown(at("p.d"), 1, 1),
	   "a drop-in directory owned by another user");
	load_refused(at("p.d"), "is not owned by root");
	ok(!chown(at("p.d"), 0, 0), "back to root");

	snprintf(path, sizeof(path), "%s", at("p.d/20-b.conf"));
	ok(!chmod(path, 0664), "a group-writable drop-in");
	load_refused(path, "is writable by group or others");
	ok(!chmod(path, 0644) && !chown(path, 1, 1),
	   "a drop-in owned by another user");
	load_refused(path, "is not owned by root");
	ok(!unlink(path) && !symlink(at("p.conf"), path), "a drop-in symlink");
	load_refused(path, "is a symbolic link");
	ok(!unlink(path) && !mkdir(path, 0755), "a directory named like one");
	load_refused(path, "is not a regular file");
	ok(!rmdir(path) && !write_file(path, "rules = ( { user = \"u\";\n"
				       "  network = \"x\"; } );\n", 0644),
	   "a drop-in naming an unknown network");
	snprintf(want, sizeof(want), "%s:2: rule: network 'x' is not defined",
		 path);
	ok(conf_load(at("p.conf"), &c, err, sizeof(err)) == -EINVAL && !c,
	   "  makes the whole policy invalid");
	is(err, want, "  naming the drop-in and the line");
	ok(!unlink(path), "removed");

	ok(!rename(at("p.d"), at("p.real")) && !symlink(at("p.real"), at("p.d")),
	   "a drop-in directory that is a symlink");
	load_refused(at("p.d"), "is a symbolic link");
	ok(!unlink(at("p.d")) && !write_file(at("p.d"), "", 0644),
	   "a file in the place of the drop-in directory");
	load_refused(at("p.d"), "is not a directory");
	ok(!unlink(at("p.d")), "no drop-in directory");
	ok(!conf_load(at("p.conf"), &c, err, sizeof(err)) && c &&
	   c->n_files == 1, "  is no drop-ins %s", err);
	conf_free(c);
}

static void test_files(void)
{
	char err[CONF_ERR_MAX] = "", tmp[] = "/tmp/pn-test-conf.XXXXXX";
	int fd = -1, tfd;

	made_dir = mkdtemp(dir) != NULL;
	if (!ok(made_dir && !make_fixtures(), "fixtures in %s", dir))
		return;
	ok(!conf_check_file(at("ok.conf"), 64, &fd, err, sizeof(err)) &&
	   fd >= 0 && fcntl(fd, F_GETFD) & FD_CLOEXEC,
	   "a root-owned 0644 file in safe directories is accepted %s", err);
	if (fd >= 0)
		close(fd);
	ok(!conf_check_file(at("ok.conf"), 64, NULL, err, sizeof(err)),
	   "ret_fd may be NULL");
	refused(at("missing.conf"), "cannot open: No such file or directory");
	refused(at("link.conf"), "is a symbolic link");
	refused(at("fifo.conf"), "is not a regular file");
	refused(at("dir.conf"), "is not a regular file");
	refused(at("gw.conf"), "is writable by group or others");
	refused(at("ow.conf"), "is writable by group or others");
	refused(at("user.conf"), "is not owned by root");
	refused(at("big.conf"), "is larger than 64 bytes");
	refused_parent(at("gdir/x.conf"), at("gdir"),
		       "is writable by group or others");
	refused_parent(at("udir/x.conf"), at("udir"), "is not owned by root");
	refused_parent(at("ldir/x.conf"), at("ldir"), "is a symbolic link");
	tfd = mkstemp(tmp);
	if (ok(tfd >= 0, "a file directly in /tmp")) {
		close(tfd);
		refused_parent(tmp, "/tmp", "is writable by group or others");
		unlink(tmp);
	}
	test_load();
	test_relative();
	test_dropin_files();
}

static void cleanup_fixtures(void)
{
	char cmd[PATH_MAX + 16];

	/* Only our own directory, once mkdtemp() has made it. */
	if (!made_dir)
		return;
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	ok(!system(cmd), "fixtures removed");
}

int main(void)
{
	const char *ci = getenv("CI");

	test_bad();
	test_full();
	test_small();
	test_limits();
	test_nul_and_names();
	test_kinds();
	test_dropin_errors();
	test_dropin_limits();
	test_dropin_order();
	test_dropin_dir();
	test_example();
	if (geteuid() == 0) {
		test_files();
		cleanup_fixtures();
	} else if (ci && !strcmp(ci, "true")) {
		ok(0, "file checks need root under CI=true");
	} else {
		printf("ok %d # skip file checks need root\n", ++tap_n);
	}
	return done_testing();
}
