// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nft.c - the table "inet pam_netns" (see nft.h for the ruleset), written
 * with libnftnl: every public call is one batch, one atomic transaction.
 *
 * Rules are made of expressions, as nft(8) would compile them; the small
 * builders below (meta, payload, cmp, lookup, ...) each add one expression
 * to a rule, and the rule functions read like the nft syntax they stand
 * for. The batch is sent in one sendto(); nf_tables processes it in that
 * call, so every ACK is already queued when it returns and is read without
 * blocking.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/table.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_nat.h>
#include <linux/netfilter/nf_tables.h>
#include <linux/netfilter/nfnetlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "nft.h"
#include "util.h"

#define BATCH_SIZE (256 * 1024)

/* nft's data type numbers, so `nft list ruleset` shows readable sets */
#define TYPE_IPV4	7
#define TYPE_IPV6	8
#define TYPE_PROTO	12
#define TYPE_SERVICE	13
#define TYPE_IFNAME	41
#define CONCAT(a, b)	((a) << 6 | (b))

static struct mnl_socket *sock;
static uint32_t seq;
static char errmsg[256];

const char *nft_errmsg(void)
{
	return errmsg;
}

/* ------------------------------------------------------------------ */
/* the socket and the batch                                            */

struct batch {
	char *buf;
	struct mnl_nlmsg_batch *b;
	uint32_t first_seq;
	int n_msgs;		/* messages that want an ACK */
};

/* Close every fd but @a and @b (a < b). */
static void close_all_but(unsigned a, unsigned b)
{
	if (a > 0)
		(void)close_range(0, a - 1, 0);
	if (b > a + 1)
		(void)close_range(a + 1, b - 1, 0);
	(void)close_range(b + 1, ~0U, 0);
}

/*
 * Since Linux 6.11 (and stable kernels since), releasing a bound
 * nfnetlink socket waits for the deferred cleanup of every transaction
 * committed before, an RCU grace period: 4-15 ms on a small VM
 * (nf_tables_api.c nft_rcv_nl_event, "unconditionally flush pending work
 * before notifier"). The helper's exit, and so every login, would wait
 * for memory the kernel frees anyway: the rules are in force from the
 * commit on. So at exit a child holding nothing else (not the state lock,
 * not the pipe to pam_netns.so) takes the last reference: it closes only
 * once the helper has dropped its own (EOF on @p), so the wait is its.
 * When anything fails, the exit waits as before.
 */
static void sock_release_async(void)
{
	int fd, p[2];

	if (!sock || pipe2(p, O_CLOEXEC))
		return;
	fd = mnl_socket_get_fd(sock);
	if (fork() == 0) {
		char c;

		close_all_but((unsigned)(fd < p[0] ? fd : p[0]),
			      (unsigned)(fd < p[0] ? p[0] : fd));
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		mnl_socket_close(sock);
		_exit(0);
	}
	mnl_socket_close(sock);
	sock = NULL;
	(void)close(p[0]);
	(void)close(p[1]);
}

static int sock_open(void)
{
	static bool hooked;
	int one = 1;

	if (sock)
		return 0;
	if (!hooked)
		hooked = !atexit(sock_release_async);
	sock = mnl_socket_open2(NETLINK_NETFILTER, SOCK_CLOEXEC);
	if (!sock)
		return -errno;
	if (mnl_socket_bind(sock, 0, MNL_SOCKET_AUTOPID) < 0) {
		int r = -errno;

		mnl_socket_close(sock);
		sock = NULL;
		return r;
	}
	(void)mnl_socket_setsockopt(sock, NETLINK_EXT_ACK, &one, sizeof(one));
	(void)mnl_socket_setsockopt(sock, NETLINK_CAP_ACK, &one, sizeof(one));
	seq = (uint32_t)time(NULL);
	return 0;
}

static int batch_start(struct batch *bt)
{
	int r = sock_open();

	if (r)
		return r;
	bt->buf = calloc(1, BATCH_SIZE);	/* no heap bytes in the padding */
	if (!bt->buf)
		return -ENOMEM;
	bt->b = mnl_nlmsg_batch_start(bt->buf, BATCH_SIZE);
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), seq++);
	mnl_nlmsg_batch_next(bt->b);
	bt->first_seq = seq;
	bt->n_msgs = 0;
	return 0;
}

static void batch_free(struct batch *bt)
{
	if (bt->b)
		mnl_nlmsg_batch_stop(bt->b);
	free(bt->buf);
	bt->buf = NULL;
	bt->b = NULL;
}

/* A message header for the next message of the batch. */
static struct nlmsghdr *batch_msg(struct batch *bt, uint16_t type,
				  uint16_t flags)
{
	bt->n_msgs++;
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type,
				     NFPROTO_INET, flags | NLM_F_ACK, seq++);
}

static int batch_next(struct batch *bt)
{
	return mnl_nlmsg_batch_next(bt->b) ? 0 : -ENOBUFS;
}

static int ext_ack(const struct nlattr *a, void *data)
{
	if (mnl_attr_get_type(a) == NLMSGERR_ATTR_MSG &&
	    !mnl_attr_validate(a, MNL_TYPE_NUL_STRING))
		snprintf(errmsg, sizeof(errmsg), "%s", mnl_attr_get_str(a));
	return MNL_CB_OK;
}

static int ack_error(const struct nlmsghdr *h)
{
	const struct nlmsgerr *e = mnl_nlmsg_get_payload(h);
	size_t off = sizeof(*e);

	if (e->error && (h->nlmsg_flags & NLM_F_ACK_TLVS)) {
		if (!(h->nlmsg_flags & NLM_F_CAPPED))
			off += e->msg.nlmsg_len - sizeof(struct nlmsghdr);
		if (mnl_nlmsg_size(off) < h->nlmsg_len)
			(void)mnl_attr_parse_payload((const char *)e + off,
						     h->nlmsg_len -
						     mnl_nlmsg_size(off),
						     ext_ack, NULL);
	}
	return e->error;
}

/* Read every queued reply; the first error of the batch is returned. */
static int read_acks(struct batch *bt)
{
	char buf[16384];
	int first = 0, acks = 0;

	while (acks < bt->n_msgs) {
		ssize_t got = mnl_socket_recvfrom(sock, buf, sizeof(buf));
		int len = (int)got;

		if (got < 0)
			return first ? first : -errno;
		for (struct nlmsghdr *h = (struct nlmsghdr *)buf;
		     mnl_nlmsg_ok(h, len); h = mnl_nlmsg_next(h, &len)) {
			if (h->nlmsg_type != NLMSG_ERROR)
				continue;
			acks++;
			if (!first && (first = ack_error(h)) && !errmsg[0]) {
				const struct nlmsgerr *e =
					mnl_nlmsg_get_payload(h);

				/* no reason text: at least say where */
				snprintf(errmsg, sizeof(errmsg),
					 "message %u of the batch",
					 e->msg.nlmsg_seq - bt->first_seq + 1);
			}
		}
		/* after an error the kernel aborts and may not ack the rest */
		if (first)
			break;
	}
	return first;
}

static int batch_send(struct batch *bt)
{
	int r;

	errmsg[0] = '\0';
	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), seq++);
	if (!mnl_nlmsg_batch_next(bt->b)) {
		batch_free(bt);
		return -ENOBUFS;
	}
	if (mnl_socket_sendto(sock, mnl_nlmsg_batch_head(bt->b),
			      mnl_nlmsg_batch_size(bt->b)) < 0)
		r = -errno;
	else
		r = read_acks(bt);
	batch_free(bt);
	return r;
}

/* ------------------------------------------------------------------ */
/* expressions                                                         */

static void add(struct nftnl_rule *r, struct nftnl_expr *e)
{
	nftnl_rule_add_expr(r, e);
}

static void meta(struct nftnl_rule *r, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, dreg);
	add(r, e);
}

static void cmp(struct nftnl_rule *r, uint32_t op, const void *data,
		uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	add(r, e);
}

static void cmp_u8(struct nftnl_rule *r, uint8_t v)
{
	cmp(r, NFT_CMP_EQ, &v, 1);
}

static void payload(struct nftnl_rule *r, uint32_t base, uint32_t off,
		    uint32_t len, uint32_t dreg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
	add(r, e);
}

static void bitwise(struct nftnl_rule *r, const void *mask, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");
	static const uint8_t zero[16];

	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	add(r, e);
}

/* lookup @set with the key in reg 1; @dreg 0 = a plain membership test */
/* NFT_REG_VERDICT is 0, so "no data register" needs its own value */
#define NO_DREG UINT32_MAX

static void lookup(struct nftnl_rule *r, const char *set, bool inv,
		   uint32_t dreg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("lookup");

	nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_SREG, NFT_REG_1);
	nftnl_expr_set_str(e, NFTNL_EXPR_LOOKUP_SET, set);
	if (inv)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_FLAGS,
				   NFT_LOOKUP_F_INV);
	if (dreg != NO_DREG)
		nftnl_expr_set_u32(e, NFTNL_EXPR_LOOKUP_DREG, dreg);
	add(r, e);
}

static void verdict(struct nftnl_rule *r, int v, const char *chain)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)v);
	if (chain)
		nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
	add(r, e);
}

/* ct KEY & mask != 0 (ct state / ct status bits, host byte order) */
static void ct_bits(struct nftnl_rule *r, uint32_t key, uint32_t mask)
{
	struct nftnl_expr *e = nftnl_expr_alloc("ct");
	uint32_t zero = 0;

	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	add(r, e);
	bitwise(r, &mask, 4);
	cmp(r, NFT_CMP_NEQ, &zero, 4);
}

static void nfproto(struct nftnl_rule *r, uint8_t proto)
{
	meta(r, NFT_META_NFPROTO, NFT_REG_1);
	cmp_u8(r, proto);
}

static void l4proto(struct nftnl_rule *r, uint8_t proto)
{
	meta(r, NFT_META_L4PROTO, NFT_REG_1);
	cmp_u8(r, proto);
}

/* iifname/oifname [!=] @set */
static void ifname_in(struct nftnl_rule *r, uint32_t key, const char *set,
		      bool inv)
{
	meta(r, key, NFT_REG_1);
	lookup(r, set, inv, NO_DREG);
}

/* ip/ip6 saddr/daddr (loaded into reg 1) for @family */
static void addr_load(struct nftnl_rule *r, int family, bool dst)
{
	if (family == AF_INET) {
		nfproto(r, NFPROTO_IPV4);
		payload(r, NFT_PAYLOAD_NETWORK_HEADER, dst ? 16 : 12, 4,
			NFT_REG_1);
	} else {
		nfproto(r, NFPROTO_IPV6);
		payload(r, NFT_PAYLOAD_NETWORK_HEADER, dst ? 24 : 8, 16,
			NFT_REG_1);
	}
}

static void th_dport(struct nftnl_rule *r, uint16_t port)
{
	uint16_t p = htons(port);

	payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG_1);
	cmp(r, NFT_CMP_EQ, &p, 2);
}

/* ------------------------------------------------------------------ */
/* objects                                                             */

static int put_rule(struct batch *bt, struct nftnl_rule *r, const char *chain)
{
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nlh = batch_msg(bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return batch_next(bt);
}

static int put_chain(struct batch *bt, const char *name, const char *type,
		     int hook, int prio)
{
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct nlmsghdr *nlh;

	if (!c)
		return -ENOMEM;
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	if (type) {
		nftnl_chain_set_str(c, NFTNL_CHAIN_TYPE, type);
		nftnl_chain_set_u32(c, NFTNL_CHAIN_HOOKNUM, (uint32_t)hook);
		nftnl_chain_set_s32(c, NFTNL_CHAIN_PRIO, prio);
		/* never break the host's own traffic: only ours is judged */
		nftnl_chain_set_u32(c, NFTNL_CHAIN_POLICY, NF_ACCEPT);
	}
	nlh = batch_msg(bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	return batch_next(bt);
}

struct set_def {
	const char *name;
	uint32_t key_type, key_len;
	uint32_t flags;
	uint32_t data_type, data_len;
};

static struct nftnl_set *set_new(const char *name)
{
	struct nftnl_set *s = nftnl_set_alloc();

	if (!s)
		return NULL;
	nftnl_set_set_str(s, NFTNL_SET_TABLE, NFT_TABLE);
	nftnl_set_set_str(s, NFTNL_SET_NAME, name);
	nftnl_set_set_u32(s, NFTNL_SET_FAMILY, NFPROTO_INET);
	return s;
}

/*
 * nft(8) prints a set's keys by the byte order kept in the set's user
 * data; without it interface names list as "". Host order, as nft's own
 * ifname type (BYTEORDER_HOST_ENDIAN = 1 in nftables).
 */
static int set_key_host_order(struct nftnl_set *s)
{
	struct nftnl_udata_buf *ud = nftnl_udata_buf_alloc(64);

	if (!ud)
		return -ENOMEM;
	if (!nftnl_udata_put_u32(ud, NFTNL_UDATA_SET_KEYBYTEORDER, 1)) {
		nftnl_udata_buf_free(ud);
		return -ENOSPC;
	}
	nftnl_set_set_data(s, NFTNL_SET_USERDATA, nftnl_udata_buf_data(ud),
			   nftnl_udata_buf_len(ud));
	nftnl_udata_buf_free(ud);
	return 0;
}

static int put_set(struct batch *bt, const struct set_def *d)
{
	struct nftnl_set *s = set_new(d->name);
	struct nlmsghdr *nlh;

	if (!s)
		return -ENOMEM;
	if (d->key_type == TYPE_IFNAME && set_key_host_order(s)) {
		nftnl_set_free(s);
		return -ENOMEM;
	}
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, d->key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, d->key_len);
	nftnl_set_set_u32(s, NFTNL_SET_ID, seq);
	if (d->flags)
		nftnl_set_set_u32(s, NFTNL_SET_FLAGS, d->flags);
	if (d->flags & NFT_SET_MAP) {
		nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, d->data_type);
		nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, d->data_len);
	}
	nlh = batch_msg(bt, NFT_MSG_NEWSET, NLM_F_CREATE);
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	return batch_next(bt);
}

/* Add (NEWSETELEM) or delete (DELSETELEM) the elements held by @s;
 * a DELSETELEM without elements flushes the set. */
static int put_elems(struct batch *bt, struct nftnl_set *s, uint16_t type)
{
	struct nlmsghdr *nlh = batch_msg(bt, type,
					 type == NFT_MSG_NEWSETELEM ?
						 NLM_F_CREATE : 0);

	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	return batch_next(bt);
}

static struct nftnl_set_elem *elem(struct nftnl_set *s, const void *key,
				   uint32_t len)
{
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();

	if (e) {
		nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, len);
		nftnl_set_elem_add(s, e);
	}
	return e;
}

static int ifname_key(const char *ifname, char key[IFNAMSIZ])
{
	memset(key, 0, IFNAMSIZ);
	return strlcpy_checked(key, ifname, IFNAMSIZ);
}

/* ------------------------------------------------------------------ */
/* the table                                                           */

static const struct set_def table_sets[] = {
	{ "ifs", TYPE_IFNAME, IFNAMSIZ, 0, 0, 0 },
	{ "addrs4", TYPE_IPV4, 4, 0, 0, 0 },
	{ "addrs6", TYPE_IPV6, 16, 0, 0, 0 },
	{ "dns4", TYPE_IPV4, 4, 0, 0, 0 },
	{ "dns6", TYPE_IPV6, 16, 0, 0, 0 },
	{ "nets", TYPE_IFNAME, IFNAMSIZ, NFT_SET_MAP, NFT_DATA_VERDICT, 0 },
	{ "fwd4", CONCAT(TYPE_PROTO, TYPE_SERVICE), 8, NFT_SET_MAP,
	  CONCAT(TYPE_IPV4, TYPE_SERVICE), 8 },
	{ "fwd6", CONCAT(TYPE_PROTO, TYPE_SERVICE), 8, NFT_SET_MAP,
	  CONCAT(TYPE_IPV6, TYPE_SERVICE), 20 },
	{ "l2", CONCAT(TYPE_IFNAME, TYPE_IFNAME), 2 * IFNAMSIZ, 0, 0, 0 },
};

static struct nftnl_rule *rule(void)
{
	return nftnl_rule_alloc();
}

/* chain input: iifname @ifs jump from_sess_in */
static int rules_input(struct batch *bt)
{
	struct nftnl_rule *r = rule();
	static const uint8_t nd_from = 133, nd_to = 137;
	struct nftnl_expr *e;
	int ret;

	ifname_in(r, NFT_META_IIFNAME, "ifs", false);
	verdict(r, NFT_JUMP, "from_sess_in");
	ret = put_rule(bt, r, "input");

	/* replies to what the host started */
	r = rule();
	ct_bits(r, NFT_CT_STATE, NF_CT_STATE_BIT(IP_CT_ESTABLISHED) |
				 NF_CT_STATE_BIT(IP_CT_RELATED));
	verdict(r, NF_ACCEPT, NULL);
	ret = ret ?: put_rule(bt, r, "from_sess_in");

	/* IPv6 neighbour discovery, or the link does not work at all */
	r = rule();
	nfproto(r, NFPROTO_IPV6);
	l4proto(r, IPPROTO_ICMPV6);
	payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 0, 1, NFT_REG_1);
	e = nftnl_expr_alloc("range");
	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_RANGE_OP, NFT_RANGE_EQ);
	nftnl_expr_set(e, NFTNL_EXPR_RANGE_FROM_DATA, &nd_from, 1);
	nftnl_expr_set(e, NFTNL_EXPR_RANGE_TO_DATA, &nd_to, 1);
	add(r, e);
	verdict(r, NF_ACCEPT, NULL);
	ret = ret ?: put_rule(bt, r, "from_sess_in");

	/* the DNS servers the session was given, over UDP and TCP */
	for (int fam = 0; fam < 2; fam++)
		for (int p = 0; p < 2; p++) {
			r = rule();
			addr_load(r, fam ? AF_INET6 : AF_INET, true);
			lookup(r, fam ? "dns6" : "dns4", false, NO_DREG);
			l4proto(r, p ? IPPROTO_TCP : IPPROTO_UDP);
			th_dport(r, 53);
			verdict(r, NF_ACCEPT, NULL);
			ret = ret ?: put_rule(bt, r, "from_sess_in");
		}

	/* anything else to any of the host's own addresses */
	r = rule();
	verdict(r, NF_DROP, NULL);
	return ret ?: put_rule(bt, r, "from_sess_in");
}

static int rules_forward(struct batch *bt)
{
	static const uint8_t ll_mask[4] = { 255, 255, 0, 0 };
	static const uint8_t ll_net[4] = { 169, 254, 0, 0 };
	struct nftnl_rule *r = rule();
	int ret;

	/* iifname . oifname @l2 accept: with br_netfilter on, traffic
	 * between the members of a bridge network passes this hook with the
	 * bridge as both devices; it is theirs to exchange. */
	meta(r, NFT_META_IIFNAME, NFT_REG_1);
	meta(r, NFT_META_OIFNAME, NFT_REG_2);
	lookup(r, "l2", false, NO_DREG);
	verdict(r, NF_ACCEPT, NULL);
	ret = put_rule(bt, r, "forward");
	r = rule();
	ifname_in(r, NFT_META_IIFNAME, "ifs", false);
	verdict(r, NFT_JUMP, "from_sess");
	ret = ret ?: put_rule(bt, r, "forward");
	r = rule();
	ifname_in(r, NFT_META_OIFNAME, "ifs", false);
	verdict(r, NFT_JUMP, "to_sess");
	ret = ret ?: put_rule(bt, r, "forward");

	/* session to session, either way */
	r = rule();
	ifname_in(r, NFT_META_OIFNAME, "ifs", false);
	verdict(r, NF_DROP, NULL);
	ret = ret ?: put_rule(bt, r, "from_sess");
	/* link-local metadata services (169.254.169.254 and friends) */
	r = rule();
	addr_load(r, AF_INET, true);
	bitwise(r, ll_mask, 4);
	cmp(r, NFT_CMP_EQ, ll_net, 4);
	verdict(r, NF_DROP, NULL);
	ret = ret ?: put_rule(bt, r, "from_sess");
	/* iifname vmap @nets: the network's own egress filter */
	r = rule();
	meta(r, NFT_META_IIFNAME, NFT_REG_1);
	lookup(r, "nets", false, NFT_REG_VERDICT);
	ret = ret ?: put_rule(bt, r, "from_sess");

	/* into a session: only replies and forwarded ports */
	r = rule();
	ct_bits(r, NFT_CT_STATE, NF_CT_STATE_BIT(IP_CT_ESTABLISHED) |
				 NF_CT_STATE_BIT(IP_CT_RELATED));
	verdict(r, NF_ACCEPT, NULL);
	ret = ret ?: put_rule(bt, r, "to_sess");
	r = rule();
	ct_bits(r, NFT_CT_STATUS, IPS_DST_NAT);
	verdict(r, NF_ACCEPT, NULL);
	ret = ret ?: put_rule(bt, r, "to_sess");
	r = rule();
	verdict(r, NF_DROP, NULL);
	return ret ?: put_rule(bt, r, "to_sess");
}

/* dnat to (meta l4proto . th dport) map @fwd4/@fwd6, from outside only */
static int rule_dnat(struct batch *bt, int family)
{
	struct nftnl_rule *r = rule();
	struct nftnl_expr *e;
	uint32_t local = RTN_LOCAL;

	ifname_in(r, NFT_META_IIFNAME, "ifs", true);
	e = nftnl_expr_alloc("fib");
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_FLAGS, NFTA_FIB_F_DADDR);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_RESULT, NFT_FIB_RESULT_ADDRTYPE);
	nftnl_expr_set_u32(e, NFTNL_EXPR_FIB_DREG, NFT_REG_1);
	add(r, e);
	cmp(r, NFT_CMP_EQ, &local, 4);
	nfproto(r, family == AF_INET ? NFPROTO_IPV4 : NFPROTO_IPV6);
	/* the key: two 32-bit registers, each field padded to 4 bytes */
	meta(r, NFT_META_L4PROTO, NFT_REG32_00);
	payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG32_01);
	lookup(r, family == AF_INET ? "fwd4" : "fwd6", false, NFT_REG32_04);
	e = nftnl_expr_alloc("nat");
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_TYPE, NFT_NAT_DNAT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_FAMILY, family == AF_INET ?
			   NFPROTO_IPV4 : NFPROTO_IPV6);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_ADDR_MIN, NFT_REG32_04);
	nftnl_expr_set_u32(e, NFTNL_EXPR_NAT_REG_PROTO_MIN, family == AF_INET ?
			   NFT_REG32_05 : NFT_REG32_08);
	add(r, e);
	return put_rule(bt, r, "prerouting");
}

/* ip saddr @addrs4 oifname != @ifs masquerade (and ip6) */
static int rule_masq(struct batch *bt, int family)
{
	struct nftnl_rule *r = rule();

	addr_load(r, family, false);
	lookup(r, family == AF_INET ? "addrs4" : "addrs6", false, NO_DREG);
	ifname_in(r, NFT_META_OIFNAME, "ifs", true);
	add(r, nftnl_expr_alloc("masq"));
	return put_rule(bt, r, "postrouting");
}

static int table_exists(void)
{
	struct nftnl_table *t = nftnl_table_alloc();
	char buf[MNL_SOCKET_BUFFER_SIZE];
	struct batch one = { 0 };
	struct nlmsghdr *nlh;
	int r = sock_open();

	if (!t)
		return -ENOMEM;
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE);
	memset(buf, 0, sizeof(buf));	/* no stack bytes in the padding */
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETTABLE, NFPROTO_INET,
				    NLM_F_ACK, seq++);
	nftnl_table_nlmsg_build_payload(nlh, t);
	nftnl_table_free(t);
	if (r)
		return r;
	if (mnl_socket_sendto(sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	one.n_msgs = 1;		/* the reply (if any) comes before the ACK */
	r = read_acks(&one);
	return r == -ENOENT ? 0 : (r ? r : 1);
}

int nft_table_ensure(void)
{
	static const struct {
		const char *name, *type;
		int hook, prio;
	} chains[] = {
		{ "input", "filter", NF_INET_LOCAL_IN, 0 },
		{ "forward", "filter", NF_INET_FORWARD, 0 },
		{ "prerouting", "nat", NF_INET_PRE_ROUTING, -100 },
		{ "postrouting", "nat", NF_INET_POST_ROUTING, 100 },
		{ "from_sess_in", NULL, 0, 0 },
		{ "from_sess", NULL, 0, 0 },
		{ "to_sess", NULL, 0, 0 },
	};
	struct nftnl_table *t;
	struct batch bt;
	int r = table_exists();

	if (r)
		return r < 0 ? r : 0;
	r = batch_start(&bt);
	if (r)
		return r;
	t = nftnl_table_alloc();
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE);
	nftnl_table_nlmsg_build_payload(batch_msg(&bt, NFT_MSG_NEWTABLE,
						  NLM_F_CREATE), t);
	nftnl_table_free(t);
	r = batch_next(&bt);
	for (size_t i = 0; !r && i < ARRAY_SIZE(table_sets); i++)
		r = put_set(&bt, &table_sets[i]);
	for (size_t i = 0; !r && i < ARRAY_SIZE(chains); i++)
		r = put_chain(&bt, chains[i].name, chains[i].type,
			      chains[i].hook, chains[i].prio);
	r = r ?: rules_input(&bt);
	r = r ?: rules_forward(&bt);
	for (int f = 0; !r && f < 2; f++)
		r = rule_dnat(&bt, f ? AF_INET6 : AF_INET) ?:
		    rule_masq(&bt, f ? AF_INET6 : AF_INET);
	if (r) {
		batch_free(&bt);
		return r;
	}
	return batch_send(&bt);
}

int nft_table_delete(void)
{
	struct nftnl_table *t = nftnl_table_alloc();
	struct batch bt;
	int r = batch_start(&bt);

	if (r) {
		nftnl_table_free(t);
		return r;
	}
	nftnl_table_set_str(t, NFTNL_TABLE_NAME, NFT_TABLE);
	nftnl_table_nlmsg_build_payload(batch_msg(&bt, NFT_MSG_DELTABLE, 0),
					t);
	nftnl_table_free(t);
	r = batch_next(&bt) ?: batch_send(&bt);
	return r == -ENOENT ? 0 : r;
}

/* ------------------------------------------------------------------ */
/* a network's filter                                                  */

/* [lo, hi) of a prefix; @open when hi is past the last address */
struct span {
	uint8_t lo[16], hi[16];
	bool open;
};

static void prefix_span(const struct cidr *c, struct span *s)
{
	unsigned bits = cidr_bits(c), len = bits / 8;
	unsigned host = bits - c->prefix;
	int carry;

	memset(s, 0, sizeof(*s));
	memcpy(s->lo, c->addr, len);
	for (unsigned i = 0; i < len; i++) {
		unsigned keep = i * 8 >= c->prefix ? 0 :
				(c->prefix - i * 8 >= 8 ? 8 : c->prefix - i * 8);

		s->lo[i] &= (uint8_t)(0xff00 >> keep);
	}
	memcpy(s->hi, s->lo, len);
	/* hi = lo + 2^host, big-endian */
	carry = 0;
	for (int i = (int)len - 1; i >= 0; i--) {
		unsigned bitpos = (len - 1 - (unsigned)i) * 8;
		unsigned addv = (host >= bitpos && host < bitpos + 8) ?
				1u << (host - bitpos) : 0;
		unsigned v = s->hi[i] + addv + (unsigned)carry;

		s->hi[i] = (uint8_t)v;
		carry = v >> 8;
	}
	s->open = carry || host == bits;
}

static int span_cmp(const void *a, const void *b)
{
	return memcmp(((const struct span *)a)->lo,
		      ((const struct span *)b)->lo, 16);
}

/* Sorted, merged spans of the @family entries of @l: the kernel's
 * interval sets refuse overlapping elements. */
static size_t spans_of(const struct cidr_list *l, int family,
		       struct span *out)
{
	size_t n = 0, m = 0;

	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].family == family)
			prefix_span(&l->v[i], &out[n++]);
	qsort(out, n, sizeof(*out), span_cmp);
	for (size_t i = 0; i < n; i++) {
		if (m && (out[m - 1].open ||
			  memcmp(out[i].lo, out[m - 1].hi, 16) <= 0)) {
			if (out[i].open || (!out[m - 1].open &&
			    memcmp(out[i].hi, out[m - 1].hi, 16) > 0)) {
				memcpy(out[m - 1].hi, out[i].hi, 16);
				out[m - 1].open = out[i].open;
			}
			continue;
		}
		out[m++] = out[i];
	}
	return m;
}

static void set_name(char *buf, size_t len, const char *net, const char *what)
{
	snprintf(buf, len, "%s_%s", net, what);
}

static int put_interval_set(struct batch *bt, const char *name, int family,
			    const struct cidr_list *l)
{
	struct set_def d = { name, family == AF_INET ? TYPE_IPV4 : TYPE_IPV6,
			     family == AF_INET ? 4 : 16, NFT_SET_INTERVAL,
			     0, 0 };
	struct span spans[CONF_MAX_LIST];
	struct nftnl_set *s;
	size_t n = spans_of(l, family, spans);
	int r = put_set(bt, &d);

	/* flush, then refill: one transaction, so never seen half-done */
	if (!r && (s = set_new(name)))
		r = put_elems(bt, s, NFT_MSG_DELSETELEM);
	if (r || !n)
		return r;
	s = set_new(name);
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct nftnl_set_elem *e;

		elem(s, spans[i].lo, d.key_len);
		if (spans[i].open)
			continue;
		e = elem(s, spans[i].hi, d.key_len);
		if (e)
			nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS,
					       NFT_SET_ELEM_INTERVAL_END);
	}
	return put_elems(bt, s, NFT_MSG_NEWSETELEM);
}

static bool has_family(const struct cidr_list *l, int family)
{
	for (size_t i = 0; i < l->n; i++)
		if (l->v[i].family == family)
			return true;
	return false;
}

/* chain net_NAME: deny lists drop; a non-empty allow list drops the rest */
/* uplink = "eth0": the network's traffic leaves by that device or not at
 * all (a missing device means nothing leaves: fail closed) */
static int uplink_rule(struct batch *bt, const struct network *net,
		       const char *chain)
{
	struct nftnl_rule *rl;
	char key[IFNAMSIZ];

	if (!*net->uplink)
		return 0;
	if (ifname_key(net->uplink, key))
		return -ENAMETOOLONG;
	rl = rule();
	meta(rl, NFT_META_OIFNAME, NFT_REG_1);
	cmp(rl, NFT_CMP_NEQ, key, IFNAMSIZ);
	verdict(rl, NF_DROP, NULL);
	return put_rule(bt, rl, chain);
}

static int net_rules(struct batch *bt, const struct network *net,
		     const char *chain)
{
	char set[64];
	int r = uplink_rule(bt, net, chain);

	for (int f = 0; !r && f < 2; f++) {
		int fam = f ? AF_INET6 : AF_INET;
		struct nftnl_rule *rl = rule();

		set_name(set, sizeof(set), net->name, f ? "deny6" : "deny4");
		addr_load(rl, fam, true);
		lookup(rl, set, false, NO_DREG);
		verdict(rl, NF_DROP, NULL);
		r = put_rule(bt, rl, chain);
		if (r || !net->allow.n)
			continue;
		/* allow = [ "0.0.0.0/0" ] alone denies IPv6: allow lists
		 * are per family, so an unlisted family has nothing */
		rl = rule();
		if (has_family(&net->allow, fam)) {
			set_name(set, sizeof(set), net->name,
				 f ? "allow6" : "allow4");
			addr_load(rl, fam, true);
			lookup(rl, set, true, NO_DREG);
		} else {
			nfproto(rl, f ? NFPROTO_IPV6 : NFPROTO_IPV4);
		}
		verdict(rl, NF_DROP, NULL);
		r = put_rule(bt, rl, chain);
	}
	return r;
}

static int put_dns(struct batch *bt, const struct cidr_list *dns)
{
	struct nftnl_set *s4 = set_new("dns4"), *s6 = set_new("dns6");
	size_t n4 = 0, n6 = 0;
	int r;

	if (!s4 || !s6) {
		nftnl_set_free(s4);
		nftnl_set_free(s6);
		return -ENOMEM;
	}
	for (size_t i = 0; i < dns->n; i++) {
		bool v4 = dns->v[i].family == AF_INET;

		elem(v4 ? s4 : s6, dns->v[i].addr, v4 ? 4 : 16);
		v4 ? n4++ : n6++;
	}
	r = n4 ? put_elems(bt, s4, NFT_MSG_NEWSETELEM) :
		 (nftnl_set_free(s4), 0);
	if (n6)
		r = r ?: put_elems(bt, s6, NFT_MSG_NEWSETELEM);
	else
		nftnl_set_free(s6);
	return r;
}

static int flush_chain(struct batch *bt, const char *chain)
{
	struct nftnl_rule *r = rule();
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nlh = batch_msg(bt, NFT_MSG_DELRULE, 0);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return batch_next(bt);
}

int nft_network_apply(const struct network *net)
{
	static const char *const lists[] = { "deny4", "deny6", "allow4",
					     "allow6" };
	char chain[64], set[64];
	struct batch bt;
	int r = batch_start(&bt);

	if (r)
		return r;
	snprintf(chain, sizeof(chain), "net_%s", net->name);
	for (size_t i = 0; !r && i < ARRAY_SIZE(lists); i++) {
		set_name(set, sizeof(set), net->name, lists[i]);
		bool v6 = lists[i][strlen(lists[i]) - 1] == '6';

		r = put_interval_set(&bt, set, v6 ? AF_INET6 : AF_INET,
				     i < 2 ? &net->deny : &net->allow);
	}
	r = r ?: put_chain(&bt, chain, NULL, 0, 0);
	r = r ?: flush_chain(&bt, chain);
	r = r ?: net_rules(&bt, net, chain);
	r = r ?: put_dns(&bt, &net->dns);
	if (r) {
		batch_free(&bt);
		return r;
	}
	return batch_send(&bt);
}

int nft_network_remove(const char *netname)
{
	static const char *const lists[] = { "deny4", "deny6", "allow4",
					     "allow6" };
	char name[64];
	struct nftnl_chain *c = nftnl_chain_alloc();
	struct batch bt;
	int r = batch_start(&bt);

	if (r) {
		nftnl_chain_free(c);
		return r;
	}
	snprintf(name, sizeof(name), "net_%s", netname);
	nftnl_chain_set_str(c, NFTNL_CHAIN_TABLE, NFT_TABLE);
	nftnl_chain_set_str(c, NFTNL_CHAIN_NAME, name);
	nftnl_chain_nlmsg_build_payload(batch_msg(&bt, NFT_MSG_DELCHAIN, 0), c);
	nftnl_chain_free(c);
	r = batch_next(&bt);
	for (size_t i = 0; !r && i < ARRAY_SIZE(lists); i++) {
		struct nftnl_set *s;

		set_name(name, sizeof(name), netname, lists[i]);
		s = set_new(name);
		nftnl_set_nlmsg_build_payload(batch_msg(&bt, NFT_MSG_DELSET, 0),
					      s);
		nftnl_set_free(s);
		r = batch_next(&bt);
	}
	if (r) {
		batch_free(&bt);
		return r;
	}
	r = batch_send(&bt);
	return r == -ENOENT ? 0 : r;
}

/* ------------------------------------------------------------------ */
/* sessions and forwards                                               */

/* One element of @set (key, and for "nets" the jump) into @bt. */
static int put_one(struct batch *bt, uint16_t type, const char *set,
		   const void *key, uint32_t len, const char *jump,
		   const void *data, uint32_t dlen)
{
	struct nftnl_set *s = set_new(set);
	struct nftnl_set_elem *e;

	if (!s)
		return -ENOMEM;
	e = elem(s, key, len);
	if (!e) {
		nftnl_set_free(s);
		return -ENOMEM;
	}
	if (jump && type == NFT_MSG_NEWSETELEM) {
		nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_VERDICT, NFT_JUMP);
		nftnl_set_elem_set_str(e, NFTNL_SET_ELEM_CHAIN, jump);
	}
	if (data && type == NFT_MSG_NEWSETELEM)
		nftnl_set_elem_set(e, NFTNL_SET_ELEM_DATA, data, dlen);
	return put_elems(bt, s, type);
}

struct elem_op {
	const char *set;
	uint8_t key[2 * IFNAMSIZ];
	uint32_t len;
	const char *jump;
};

static size_t session_ops(const struct nft_session *s, struct elem_op *ops,
			  char *jump, size_t jlen)
{
	size_t n = 0;

	if (s->host_ifname) {
		ops[n] = (struct elem_op){ "ifs", { 0 }, IFNAMSIZ, NULL };
		(void)ifname_key(s->host_ifname, (char *)ops[n++].key);
		snprintf(jump, jlen, "net_%s", s->network ?: "");
		ops[n] = (struct elem_op){ "nets", { 0 }, IFNAMSIZ,
					   s->network && *s->network ? jump :
								       NULL };
		(void)ifname_key(s->host_ifname, (char *)ops[n++].key);
	}
	if (s->bridge) {
		ops[n] = (struct elem_op){ "l2", { 0 }, 2 * IFNAMSIZ, NULL };
		(void)ifname_key(s->bridge, (char *)ops[n].key);
		(void)ifname_key(s->bridge, (char *)ops[n++].key + IFNAMSIZ);
	}
	if (s->addr4) {
		ops[n] = (struct elem_op){ "addrs4", { 0 }, 4, NULL };
		memcpy(ops[n++].key, s->addr4->addr, 4);
	}
	if (s->addr6) {
		ops[n] = (struct elem_op){ "addrs6", { 0 }, 16, NULL };
		memcpy(ops[n++].key, s->addr6->addr, 16);
	}
	return n;
}

static int send_ops(const struct elem_op *ops, size_t n, uint16_t type)
{
	struct batch bt;
	int r = batch_start(&bt);

	for (size_t i = 0; !r && i < n; i++)
		r = put_one(&bt, type, ops[i].set, ops[i].key, ops[i].len,
			    ops[i].jump, NULL, 0);
	if (r) {
		batch_free(&bt);
		return r;
	}
	return batch_send(&bt);
}

int nft_session_add(const struct nft_session *s)
{
	struct elem_op ops[5];
	char jump[64];
	size_t n = session_ops(s, ops, jump, sizeof(jump));

	return send_ops(ops, n, NFT_MSG_NEWSETELEM);
}

int nft_session_del(const struct nft_session *s)
{
	struct elem_op ops[5];
	char jump[64];
	size_t n = session_ops(s, ops, jump, sizeof(jump));
	int r = send_ops(ops, n, NFT_MSG_DELSETELEM);

	/* One missing element aborts the whole batch: then delete each
	 * alone, so whatever is still there goes. */
	if (r != -ENOENT)
		return r;
	r = 0;
	for (size_t i = 0; i < n; i++) {
		int e = send_ops(&ops[i], 1, NFT_MSG_DELSETELEM);

		if (e && e != -ENOENT)
			r = e;
	}
	return r;
}

/* proto . port, each field padded to a 32-bit register */
static void fwd_key(const struct port_forward *f, uint8_t key[8])
{
	uint16_t port = htons(f->port);

	memset(key, 0, 8);
	key[0] = f->proto;
	memcpy(key + 4, &port, 2);
}

int nft_forward_add(const struct port_forward *f, const struct cidr *to4,
		    const struct cidr *to6)
{
	uint8_t key[8], data[20];
	uint16_t to = htons(f->to);
	struct batch bt;
	int r = batch_start(&bt);

	fwd_key(f, key);
	if (!r && to4) {
		memset(data, 0, sizeof(data));
		memcpy(data, to4->addr, 4);
		memcpy(data + 4, &to, 2);
		r = put_one(&bt, NFT_MSG_NEWSETELEM, "fwd4", key, 8, NULL,
			    data, 8);
	}
	if (!r && to6) {
		memset(data, 0, sizeof(data));
		memcpy(data, to6->addr, 16);
		memcpy(data + 16, &to, 2);
		r = put_one(&bt, NFT_MSG_NEWSETELEM, "fwd6", key, 8, NULL,
			    data, 20);
	}
	if (r) {
		batch_free(&bt);
		return r;
	}
	return batch_send(&bt);
}

int nft_forward_del(const struct port_forward *f)
{
	uint8_t key[8];
	int r = 0;

	fwd_key(f, key);
	for (int i = 0; i < 2; i++) {
		struct elem_op op = { i ? "fwd6" : "fwd4", { 0 }, 8, NULL };
		int e;

		memcpy(op.key, key, 8);
		e = send_ops(&op, 1, NFT_MSG_DELSETELEM);
		if (e && e != -ENOENT)
			r = e;
	}
	return r;
}

/* ------------------------------------------------------------------ */
/* listing set elements                                                */

struct list_ctx {
	const char *set;
	int (*cb)(const char *key, void *data);
	void *data;
	int ret;
};

static void format_key(const char *set, const uint8_t *key, uint32_t len,
		       char *buf, size_t blen)
{
	if (len == IFNAMSIZ && !strcmp(set, "ifs"))
		snprintf(buf, blen, "%.*s", IFNAMSIZ, (const char *)key);
	else if (len == 4)
		inet_ntop(AF_INET, key, buf, (socklen_t)blen);
	else if (len == 16)
		inet_ntop(AF_INET6, key, buf, (socklen_t)blen);
	else
		for (uint32_t i = 0; i < len && 2 * i + 3 <= blen; i++)
			snprintf(buf + 2 * i, 3, "%02x", key[i]);
}

static int list_msg(const struct nlmsghdr *h, void *data)
{
	struct list_ctx *lc = data;
	struct nftnl_set *s = nftnl_set_alloc();
	struct nftnl_set_elems_iter *it;
	struct nftnl_set_elem *e;

	if (!s || nftnl_set_elems_nlmsg_parse(h, s) < 0) {
		nftnl_set_free(s);
		return MNL_CB_OK;
	}
	it = nftnl_set_elems_iter_create(s);
	while (it && (e = nftnl_set_elems_iter_next(it)) && !lc->ret) {
		uint32_t len = 0;
		const uint8_t *key = nftnl_set_elem_get(e, NFTNL_SET_ELEM_KEY,
							&len);
		char buf[64] = "";

		if (!key)
			continue;
		format_key(lc->set, key, len, buf, sizeof(buf));
		lc->ret = lc->cb(buf, lc->data);
	}
	if (it)
		nftnl_set_elems_iter_destroy(it);
	nftnl_set_free(s);
	return MNL_CB_OK;
}

int nft_set_list(const char *set, int (*cb)(const char *key, void *data),
		 void *data)
{
	char buf[16384];
	struct nftnl_set *s = set_new(set);
	struct list_ctx lc = { set, cb, data, 0 };
	struct nlmsghdr *nlh;
	uint32_t myseq;
	int r = sock_open();

	if (!s)
		return -ENOMEM;
	myseq = seq++;
	memset(buf, 0, sizeof(buf));	/* no stack bytes in the padding */
	nlh = nftnl_nlmsg_build_hdr(buf, NFT_MSG_GETSETELEM, NFPROTO_INET,
				    NLM_F_DUMP, myseq);
	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	if (r)
		return r;
	if (mnl_socket_sendto(sock, nlh, nlh->nlmsg_len) < 0)
		return -errno;
	for (;;) {
		ssize_t got = mnl_socket_recvfrom(sock, buf, sizeof(buf));

		if (got < 0)
			return -errno;
		r = mnl_cb_run(buf, (size_t)got, myseq,
			       mnl_socket_get_portid(sock), list_msg, &lc);
		if (r <= MNL_CB_STOP)
			break;
	}
	if (r < 0)
		return -errno;
	return lc.ret;
}
