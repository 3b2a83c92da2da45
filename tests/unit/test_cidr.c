// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_cidr.c - addresses with prefixes: what parses and what does not,
 * printing, host bits, containment, overlap and address arithmetic.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "cidr.h"
#include "tap.h"

static const char *const good[][2] = {
	/* input, printed with prefix */
	{ "10.0.0.0/8", "10.0.0.0/8" },
	{ "10.0.0.1/8", "10.0.0.1/8" },		/* host bits are kept */
	{ "192.0.2.1", "192.0.2.1/32" },
	{ "0.0.0.0/0", "0.0.0.0/0" },
	{ "255.255.255.255/32", "255.255.255.255/32" },
	{ "fd6e:7300::/48", "fd6e:7300::/48" },
	{ "FD6E:7300:0::1/64", "fd6e:7300::1/64" },
	{ "::/0", "::/0" },
	{ "::1", "::1/128" },
	{ "::ffff:192.0.2.1/128", "::ffff:192.0.2.1/128" },
};

static const char *const bad[] = {
	"10.0.0.1/33", "10.0.0/8", "fd00::/129", "1.2.3.4/", "/8",
	" 1.2.3.4", "1.2.3.4 ", "1.2.3.4/8 ", "1.2.3.4/ 8", "1.2.3.4/+8",
	"1.2.3.4/-1", "1.2.3.4/08", "1.2.3.4/0x8", "1.2.3.4/8/8", "",
	"01.2.3.4", "1.2.3.256", "1.2.3.4.5", "fe80::1%eth0", "::1::2",
	"host", "1.2.3.4/1000",
	"1111:2222:3333:4444:5555:6666:7777:8888:9999/64",
};

static void test_parse(void)
{
	char buf[CIDR_STRLEN];
	struct cidr c;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		int r = cidr_parse(good[i][0], false, &c);

		ok(!r, "parses '%s'", good[i][0]);
		is(cidr_format(&c, true, buf, sizeof(buf)), good[i][1],
		   "prints it back");
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		ok(cidr_parse(bad[i], false, &c) == -EINVAL && !c.family,
		   "refuses '%s'", bad[i]);
	ok(cidr_parse("192.0.2.1", true, &c) == -EINVAL,
	   "need_prefix refuses a bare address");
	ok(!cidr_parse("192.0.2.1/24", true, &c) && c.family == AF_INET &&
	   c.prefix == 24 && c.addr[3] == 1, "need_prefix takes A/P");
	ok(!cidr_parse("1.2.3.4/0", false, &c) && c.prefix == 0, "prefix 0");
	ok(!cidr_parse("2001:db8::/32", false, &c) && c.family == AF_INET6 &&
	   cidr_bits(&c) == 128 && c.addr[1] == 0x01 && c.addr[3] == 0xb8,
	   "IPv6 in network byte order");
}

static void test_format(void)
{
	char buf[CIDR_STRLEN], small[8];
	struct cidr c, none = { 0 };

	(void)cidr_parse("198.51.100.7/24", false, &c);
	is(cidr_format(&c, false, buf, sizeof(buf)), "198.51.100.7",
	   "without prefix");
	is(cidr_format(&c, true, small, sizeof(small)), "?",
	   "a buffer too small gives '?'");
	is(cidr_format(&none, true, buf, sizeof(buf)), "?",
	   "an unset family gives '?'");
	(void)cidr_parse("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128", false, &c);
	is(cidr_format(&c, true, buf, sizeof(buf)),
	   "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff/128",
	   "the longest address fits CIDR_STRLEN");
}

/* Parse two strings and apply @fn; -1 when either does not parse. */
static int rel(bool (*fn)(const struct cidr *, const struct cidr *),
	       const char *a, const char *b)
{
	struct cidr x, y;

	if (cidr_parse(a, false, &x) || cidr_parse(b, false, &y))
		return -1;
	return fn(&x, &y);
}

static bool is_net(const char *s)
{
	struct cidr c;

	return !cidr_parse(s, false, &c) && cidr_is_network(&c);
}

/* @s unmapped, printed */
static const char *unmapped(const char *s)
{
	static char buf[CIDR_STRLEN];
	struct cidr c;

	if (cidr_parse(s, false, &c))
		return "parse error";
	cidr_unmap(&c);
	return cidr_format(&c, true, buf, sizeof(buf));
}

static void test_unmap(void)
{
	ok(!strcmp(unmapped("::ffff:10.1.2.3"), "10.1.2.3/32"),
	   "::ffff:10.1.2.3 is 10.1.2.3");
	ok(!strcmp(unmapped("::ffff:10.0.0.0/104"), "10.0.0.0/8"),
	   "a mapped /104 is a /8");
	ok(!strcmp(unmapped("::ffff:0:0/80"), "::ffff:0.0.0.0/80"),
	   "a range wider than the mapped space stays IPv6");
	ok(!strcmp(unmapped("::1"), "::1/128"), "::1 stays");
	ok(!strcmp(unmapped("64:ff9b::a01:203"), "64:ff9b::a01:203/128"),
	   "NAT64 addresses are not mapped ones");
	ok(!strcmp(unmapped("10.1.2.3"), "10.1.2.3/32"), "IPv4 stays");
}

static void test_relations(void)
{
	ok(is_net("10.0.0.0/8") && !is_net("10.0.0.1/8"), "host bits /8");
	ok(is_net("10.0.0.128/25") && !is_net("10.0.0.64/25"), "host bits /25");
	ok(is_net("0.0.0.0/0") && !is_net("0.0.0.1/0"), "host bits /0");
	ok(is_net("192.0.2.1") && is_net("::1"), "a host is its own network");
	ok(is_net("fd6e:7300::/48") && !is_net("fd6e:7300:0:1::/48"),
	   "host bits IPv6");

	ok(rel(cidr_contains, "10.0.0.0/8", "10.1.2.3") == 1, "contains host");
	ok(rel(cidr_contains, "10.0.0.0/8", "10.1.0.0/16") == 1, "contains net");
	ok(rel(cidr_contains, "10.1.0.0/16", "10.0.0.0/8") == 0,
	   "a smaller range does not contain a larger");
	ok(rel(cidr_contains, "10.0.0.0/8", "11.0.0.0/8") == 0, "disjoint");
	ok(rel(cidr_contains, "0.0.0.0/0", "203.0.113.9") == 1, "0/0 has all");
	ok(rel(cidr_contains, "0.0.0.0/0", "::1") == 0, "families differ");
	ok(rel(cidr_contains, "fd00::/8", "fd6e:7300::1") == 1, "IPv6 contains");
	ok(rel(cidr_contains, "10.0.0.5/24", "10.0.0.9") == 1,
	   "outer host bits are ignored");

	ok(rel(cidr_overlap, "10.0.0.0/8", "10.200.0.0/16") == 1, "overlap");
	ok(rel(cidr_overlap, "10.200.0.0/16", "10.0.0.0/8") == 1,
	   "overlap is symmetric");
	ok(rel(cidr_overlap, "10.213.0.0/16", "10.214.0.0/24") == 0,
	   "neighbours do not overlap");
	ok(rel(cidr_overlap, "10.0.0.0/25", "10.0.0.128/25") == 0, "halves");
	ok(rel(cidr_overlap, "fd6e:7300::/48", "fd6e:7300:1::/64") == 0,
	   "IPv6 disjoint");
	ok(rel(cidr_overlap, "fd6e::/16", "fd6e:7300:1::/64") == 1,
	   "IPv6 overlap");
	ok(rel(cidr_overlap, "10.0.0.0/8", "::/0") == 0,
	   "families never overlap");
}

static const char *nth(const char *base, uint64_t n, uint8_t prefix,
		       int *r, char *buf)
{
	struct cidr c, out;

	*r = cidr_parse(base, false, &c) ?: cidr_nth(&c, n, prefix, &out);
	return *r ? "" : cidr_format(&out, true, buf, CIDR_STRLEN);
}

static void test_nth(void)
{
	char buf[CIDR_STRLEN];
	struct cidr none = { 0 }, c;
	int r;

	is(nth("10.213.0.0/16", 0, 31, &r, buf), "10.213.0.0/31", "nth 0");
	is(nth("10.213.0.0/16", 257, 31, &r, buf), "10.213.1.1/31",
	   "nth carries across bytes");
	is(nth("10.213.0.0/16", 65535, 16, &r, buf), "10.213.255.255/16",
	   "nth last");
	nth("10.213.0.0/16", 65536, 31, &r, buf);
	ok(r == -ERANGE, "nth past the range is -ERANGE");
	nth("10.0.0.255/24", 1, 32, &r, buf);
	ok(r == -ERANGE, "host bits of the base count as offset");
	nth("10.0.0.0/8", UINT64_MAX, 32, &r, buf);
	ok(r == -ERANGE, "a huge n is -ERANGE");
	nth("255.255.255.255/0", 1, 32, &r, buf);
	ok(r == -ERANGE, "carry out of the address is -ERANGE");
	is(nth("fd6e:7300::/48", 0x10001, 64, &r, buf), "fd6e:7300::1:1/64",
	   "nth IPv6");
	is(nth("fd6e:7300::/48", UINT64_MAX, 128, &r, buf),
	   "fd6e:7300::ffff:ffff:ffff:ffff/128", "nth IPv6 with a 64-bit n");
	nth("10.0.0.0/8", 1, 33, &r, buf);
	ok(r == -EINVAL, "a prefix longer than the address is -EINVAL");
	ok(cidr_nth(&none, 0, 0, &c) == -EINVAL, "an unset family is -EINVAL");
	(void)cidr_parse("192.0.2.0/24", false, &c);
	ok(!cidr_nth(&c, 5, 24, &c) && c.addr[3] == 5, "result may alias base");
}

/* "FIRST NEXT" of cidr_span(), NEXT "-" when nothing follows */
static const char *span(const char *s, char *buf, size_t len)
{
	uint8_t first[16], next[16];
	char a[CIDR_STRLEN], b[CIDR_STRLEN];
	struct cidr c, f = { 0 }, n = { 0 };
	bool more;

	if (cidr_parse(s, true, &c))
		return "parse error";
	more = cidr_span(&c, first, next);
	f.family = n.family = c.family;
	memcpy(f.addr, first, 16);
	memcpy(n.addr, next, 16);
	snprintf(buf, len, "%s %s", cidr_format(&f, false, a, sizeof(a)),
		 more ? cidr_format(&n, false, b, sizeof(b)) : "-");
	return buf;
}

static void test_span(void)
{
	char buf[2 * CIDR_STRLEN];

	is(span("10.213.0.0/16", buf, sizeof(buf)), "10.213.0.0 10.214.0.0",
	   "span of a /16");
	is(span("10.213.7.9/16", buf, sizeof(buf)), "10.213.0.0 10.214.0.0",
	   "host bits are ignored");
	is(span("10.0.0.255/32", buf, sizeof(buf)), "10.0.0.255 10.0.1.0",
	   "a /32 carries into the next byte");
	is(span("192.0.2.0/23", buf, sizeof(buf)), "192.0.2.0 192.0.4.0",
	   "a prefix not on a byte boundary");
	is(span("255.255.255.0/24", buf, sizeof(buf)), "255.255.255.0 -",
	   "the last /24: nothing follows");
	is(span("0.0.0.0/0", buf, sizeof(buf)), "0.0.0.0 -",
	   "all of IPv4: nothing follows");
	is(span("fd6e:7300::/48", buf, sizeof(buf)), "fd6e:7300:: fd6e:7300:1::",
	   "span of an IPv6 /48");
	is(span("fd6e:73ff::/20", buf, sizeof(buf)), "fd6e:7000:: fd6e:8000::",
	   "IPv6, a prefix inside a byte");
	is(span("::/0", buf, sizeof(buf)), ":: -", "all of IPv6");
}

int main(void)
{
	test_parse();
	test_format();
	test_relations();
	test_nth();
	test_span();
	test_unmap();
	return done_testing();
}
