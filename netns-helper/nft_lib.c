// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nft_lib.c - nfnetlink plumbing for nft.c and nft_network.c (nft_lib.h).
 *
 * Rules are made of expressions, as nft(8) would compile them; the small
 * builders below (meta, payload, cmp, lookup, ...) each add one expression
 * to a rule. A batch is sent in one sendto() over the caller's nfnetlink
 * socket (struct nft, nft.h), a struct nl like every other, and its ACKs
 * are read by the same loop (nl_replies()); nf_tables processes it in
 * that call, so every ACK is already queued when it returns and is read
 * without blocking.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libmnl/libmnl.h>
#include <libnftnl/chain.h>
#include <libnftnl/common.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <libnftnl/udata.h>
#include <linux/netfilter.h>
#include <linux/netfilter/nf_tables.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "nft.h"
#include "nft_lib.h"
#include "nl.h"
#include "util.h"

#define BATCH_SIZE (256 * 1024)

const char *nft_errmsg(const struct nft *nft)
{
	return nl_errmsg(&nft->nl);
}

/* ------------------------------------------------------------------ */
/* the socket and the batch                                            */

/*
 * Since Linux 6.11 (and stable kernels since), releasing a bound
 * nfnetlink socket waits for the deferred cleanup of every transaction
 * committed before, an RCU grace period: 4-15 ms on a small VM
 * (nf_tables_api.c nft_rcv_nl_event, "unconditionally flush pending work
 * before notifier"). The helper's exit, and so every login, would wait
 * for memory the kernel frees anyway: the rules are in force from the
 * commit on. So when its verb is done (nft_release(), after the locks), a
 * child holding nothing else (not the state lock, not the pipe to
 * pam_netns.so) takes the last reference: it closes only once the helper
 * has dropped its own (EOF on @p), so the wait is its. When anything
 * fails, the helper waits as before. A helper that only read (the common
 * case: the network's part is up to date) has nothing to wait for that a
 * fork would save.
 */
void nft_release(struct nft *nft)
{
	int keep[2], p[2];

	if (!nft->nl.sk || !nft->committed || pipe2(p, O_CLOEXEC)) {
		nl_close(&nft->nl);
		return;
	}
	keep[0] = mnl_socket_get_fd(nft->nl.sk);
	keep[1] = p[0];
	if (child_start(&(struct child_opts){ .keep = keep,
					      .n_keep = 2 }) == 0) {
		char c;

		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		nl_close(&nft->nl);
		_exit(0);
	}
	nl_close(&nft->nl);
	(void)close(p[0]);
	(void)close(p[1]);
}

static int sock_open(struct nft *nft)
{
	if (nft->nl.sk)
		return 0;
	return nl_open_family(&nft->nl, NETLINK_NETFILTER, -1);
}

int nft_batch_start(struct nft_batch *bt, struct nft *nft)
{
	int r;

	/* empty first: nft_batch_finish() frees a batch that failed to start */
	*bt = (struct nft_batch){ 0 };
	r = sock_open(nft);
	if (r)
		return r;
	bt->buf = calloc(1, BATCH_SIZE);	/* no heap bytes in the padding */
	if (!bt->buf)
		return -ENOMEM;
	bt->nft = nft;
	bt->b = mnl_nlmsg_batch_start(bt->buf, BATCH_SIZE);
	nftnl_batch_begin(mnl_nlmsg_batch_current(bt->b), ++nft->nl.seq);
	mnl_nlmsg_batch_next(bt->b);
	bt->first_seq = nft->nl.seq + 1;
	bt->n_msgs = 0;
	return 0;
}

void nft_batch_free(struct nft_batch *bt)
{
	if (bt->b)
		mnl_nlmsg_batch_stop(bt->b);
	free(bt->buf);
	bt->buf = NULL;
	bt->b = NULL;
}

/* A message header for the next message of the batch. */
struct nlmsghdr *nft_batch_msg(struct nft_batch *bt, uint16_t type,
				  uint16_t flags)
{
	bt->n_msgs++;
	return nftnl_nlmsg_build_hdr(mnl_nlmsg_batch_current(bt->b), type,
				     NFPROTO_INET, flags | NLM_F_ACK,
				     ++bt->nft->nl.seq);
}

int nft_batch_next(struct nft_batch *bt)
{
	return mnl_nlmsg_batch_next(bt->b) ? 0 : -ENOBUFS;
}

/* Read every queued ACK; the first error of the batch is returned. */
static int read_acks(struct nft_batch *bt)
{
	struct nl *sock = &bt->nft->nl;
	struct nl_wait w = { .first_seq = bt->first_seq,
			     .last_seq = bt->first_seq + (uint32_t)bt->n_msgs - 1,
			     .acks = bt->n_msgs };
	int r;

	if (!bt->n_msgs)
		return 0;
	r = nl_replies(sock, &w);
	/* no reason text: at least say where */
	if (r && w.err_seq && !*sock->errmsg)
		snprintf(sock->errmsg, sizeof(sock->errmsg),
			 "message %u of the batch", w.err_seq - bt->first_seq + 1);
	return r;
}

int nft_batch_send(struct nft_batch *bt)
{
	struct nft *nft = bt->nft;
	int r;

	nft->nl.errmsg[0] = '\0';
	nftnl_batch_end(mnl_nlmsg_batch_current(bt->b), ++nft->nl.seq);
	if (!mnl_nlmsg_batch_next(bt->b)) {
		nft_batch_free(bt);
		return -ENOBUFS;
	}
	nft->committed = true;
	if (mnl_socket_sendto(nft->nl.sk, mnl_nlmsg_batch_head(bt->b),
			      mnl_nlmsg_batch_size(bt->b)) < 0)
		r = -errno;
	else
		r = read_acks(bt);
	nft_batch_free(bt);
	return r;
}

int nft_batch_finish(struct nft_batch *bt, int r)
{
	if (!r)
		return nft_batch_send(bt);
	nft_batch_free(bt);
	return r;
}

struct nlmsghdr *nft_request_hdr(char *buf, uint16_t type, uint16_t flags)
{
	memset(buf, 0, MNL_SOCKET_BUFFER_SIZE);	/* no stack bytes in padding */
	/* nl_request() numbers it and asks for the ACK */
	return nftnl_nlmsg_build_hdr(buf, type, NFPROTO_INET, flags, 0);
}

int nft_request(struct nft *nft, struct nlmsghdr *nlh, mnl_cb_t cb,
		void *data)
{
	return sock_open(nft) ?: nl_request(&nft->nl, nlh, cb, data);
}

/* ------------------------------------------------------------------ */
/* expressions                                                         */

void ex_add(struct nftnl_rule *r, struct nftnl_expr *e)
{
	nftnl_rule_add_expr(r, e);
}

void ex_meta(struct nftnl_rule *r, uint32_t key, uint32_t dreg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("meta");

	nftnl_expr_set_u32(e, NFTNL_EXPR_META_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_META_DREG, dreg);
	ex_add(r, e);
}

void ex_cmp(struct nftnl_rule *r, uint32_t op, const void *data,
		uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("cmp");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CMP_OP, op);
	nftnl_expr_set(e, NFTNL_EXPR_CMP_DATA, data, len);
	ex_add(r, e);
}

void ex_cmp_u8(struct nftnl_rule *r, uint8_t v)
{
	ex_cmp(r, NFT_CMP_EQ, &v, 1);
}

void ex_payload(struct nftnl_rule *r, uint32_t base, uint32_t off,
		    uint32_t len, uint32_t dreg)
{
	struct nftnl_expr *e = nftnl_expr_alloc("payload");

	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_BASE, base);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_OFFSET, off);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_LEN, len);
	nftnl_expr_set_u32(e, NFTNL_EXPR_PAYLOAD_DREG, dreg);
	ex_add(r, e);
}

void ex_bitwise(struct nftnl_rule *r, const void *mask, uint32_t len)
{
	struct nftnl_expr *e = nftnl_expr_alloc("bitwise");
	static const uint8_t zero[16];

	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_SREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_DREG, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_BITWISE_LEN, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_MASK, mask, len);
	nftnl_expr_set(e, NFTNL_EXPR_BITWISE_XOR, zero, len);
	ex_add(r, e);
}

void ex_lookup(struct nftnl_rule *r, const char *set, bool inv,
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
	ex_add(r, e);
}

void ex_verdict(struct nftnl_rule *r, int v, const char *chain)
{
	struct nftnl_expr *e = nftnl_expr_alloc("immediate");

	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_DREG, NFT_REG_VERDICT);
	nftnl_expr_set_u32(e, NFTNL_EXPR_IMM_VERDICT, (uint32_t)v);
	if (chain)
		nftnl_expr_set_str(e, NFTNL_EXPR_IMM_CHAIN, chain);
	ex_add(r, e);
}

/* ct KEY & mask != 0 (ct state / ct status bits, host byte order) */
void ex_ct_bits(struct nftnl_rule *r, uint32_t key, uint32_t mask)
{
	struct nftnl_expr *e = nftnl_expr_alloc("ct");
	uint32_t zero = 0;

	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_KEY, key);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CT_DREG, NFT_REG_1);
	ex_add(r, e);
	ex_bitwise(r, &mask, 4);
	ex_cmp(r, NFT_CMP_NEQ, &zero, 4);
}

void ex_nfproto(struct nftnl_rule *r, uint8_t proto)
{
	ex_meta(r, NFT_META_NFPROTO, NFT_REG_1);
	ex_cmp_u8(r, proto);
}

void ex_l4proto(struct nftnl_rule *r, uint8_t proto)
{
	ex_meta(r, NFT_META_L4PROTO, NFT_REG_1);
	ex_cmp_u8(r, proto);
}

/* iifname/oifname [!=] @set */
void ex_ifname_in(struct nftnl_rule *r, uint32_t key, const char *set,
		      bool inv)
{
	ex_meta(r, key, NFT_REG_1);
	ex_lookup(r, set, inv, NO_DREG);
}

/* ip/ip6 saddr/daddr (loaded into reg 1) for @family */
void ex_addr_load(struct nftnl_rule *r, int family, bool dst)
{
	if (family == AF_INET) {
		ex_nfproto(r, NFPROTO_IPV4);
		ex_payload(r, NFT_PAYLOAD_NETWORK_HEADER, dst ? 16 : 12, 4,
			NFT_REG_1);
	} else {
		ex_nfproto(r, NFPROTO_IPV6);
		ex_payload(r, NFT_PAYLOAD_NETWORK_HEADER, dst ? 24 : 8, 16,
			NFT_REG_1);
	}
}

void ex_th_dport(struct nftnl_rule *r, uint16_t port)
{
	uint16_t p = htons(port);

	ex_payload(r, NFT_PAYLOAD_TRANSPORT_HEADER, 2, 2, NFT_REG_1);
	ex_cmp(r, NFT_CMP_EQ, &p, 2);
}

static struct nftnl_expr *connlimit_over(uint32_t count)
{
	struct nftnl_expr *e = nftnl_expr_alloc("connlimit");

	nftnl_expr_set_u32(e, NFTNL_EXPR_CONNLIMIT_COUNT, count);
	nftnl_expr_set_u32(e, NFTNL_EXPR_CONNLIMIT_FLAGS, NFT_CONNLIMIT_F_INV);
	return e;
}

void ex_ct_count_over(struct nftnl_rule *r, uint32_t count)
{
	ex_add(r, connlimit_over(count));
}

/*
 * As nft(8) compiles "add @set { ip saddr ct count over N }": a dynset
 * whose expression each new element gets a copy of. The set needs
 * NFT_SET_EVAL ("flags dynamic") and no timeout: the kernel drops an
 * element once its count is back at 0.
 */
void ex_set_ct_count_over(struct nftnl_rule *r, const char *set,
			  uint32_t count)
{
	struct nftnl_expr *e = nftnl_expr_alloc("dynset");

	nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_SREG_KEY, NFT_REG_1);
	nftnl_expr_set_u32(e, NFTNL_EXPR_DYNSET_OP, NFT_DYNSET_OP_ADD);
	nftnl_expr_set_str(e, NFTNL_EXPR_DYNSET_SET_NAME, set);
	/* the dynset owns (and frees) the expression from here on */
	nftnl_expr_set(e, NFTNL_EXPR_DYNSET_EXPR, connlimit_over(count), 0);
	ex_add(r, e);
}

/* ------------------------------------------------------------------ */
/* objects                                                             */

int nft_put_rule(struct nft_batch *bt, struct nftnl_rule *r, const char *chain)
{
	struct nlmsghdr *nlh;

	nftnl_rule_set_str(r, NFTNL_RULE_TABLE, NFT_TABLE);
	nftnl_rule_set_str(r, NFTNL_RULE_CHAIN, chain);
	nftnl_rule_set_u32(r, NFTNL_RULE_FAMILY, NFPROTO_INET);
	nlh = nft_batch_msg(bt, NFT_MSG_NEWRULE, NLM_F_CREATE | NLM_F_APPEND);
	nftnl_rule_nlmsg_build_payload(nlh, r);
	nftnl_rule_free(r);
	return nft_batch_next(bt);
}

int nft_put_chain(struct nft_batch *bt, const char *name, const char *type,
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
	nlh = nft_batch_msg(bt, NFT_MSG_NEWCHAIN, NLM_F_CREATE);
	nftnl_chain_nlmsg_build_payload(nlh, c);
	nftnl_chain_free(c);
	return nft_batch_next(bt);
}

struct nftnl_set *nft_set_new(const char *name)
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

int nft_put_set(struct nft_batch *bt, const struct nft_set_def *d)
{
	struct nftnl_set *s = nft_set_new(d->name);
	struct nlmsghdr *nlh;

	if (!s)
		return -ENOMEM;
	if (d->key_type == TYPE_IFNAME && set_key_host_order(s)) {
		nftnl_set_free(s);
		return -ENOMEM;
	}
	nftnl_set_set_u32(s, NFTNL_SET_KEY_TYPE, d->key_type);
	nftnl_set_set_u32(s, NFTNL_SET_KEY_LEN, d->key_len);
	nftnl_set_set_u32(s, NFTNL_SET_ID, bt->nft->nl.seq);
	if (d->flags)
		nftnl_set_set_u32(s, NFTNL_SET_FLAGS, d->flags);
	if (d->flags & NFT_SET_MAP) {
		nftnl_set_set_u32(s, NFTNL_SET_DATA_TYPE, d->data_type);
		nftnl_set_set_u32(s, NFTNL_SET_DATA_LEN, d->data_len);
	}
	nlh = nft_batch_msg(bt, NFT_MSG_NEWSET, NLM_F_CREATE);
	nftnl_set_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	return nft_batch_next(bt);
}

/* Add (NEWSETELEM) or delete (DELSETELEM) the elements held by @s;
 * a DELSETELEM without elements flushes the set. */
int nft_put_elems(struct nft_batch *bt, struct nftnl_set *s, uint16_t type)
{
	struct nlmsghdr *nlh = nft_batch_msg(bt, type,
					 type == NFT_MSG_NEWSETELEM ?
						 NLM_F_CREATE : 0);

	nftnl_set_elems_nlmsg_build_payload(nlh, s);
	nftnl_set_free(s);
	return nft_batch_next(bt);
}

struct nftnl_set_elem *nft_elem(struct nftnl_set *s, const void *key,
				   uint32_t len)
{
	struct nftnl_set_elem *e = nftnl_set_elem_alloc();

	if (e) {
		nftnl_set_elem_set(e, NFTNL_SET_ELEM_KEY, key, len);
		nftnl_set_elem_add(s, e);
	}
	return e;
}

int nft_ifname_key(const char *ifname, char key[IFNAMSIZ])
{
	memset(key, 0, IFNAMSIZ);
	return strlcpy_checked(key, ifname, IFNAMSIZ);
}

struct nftnl_rule *nft_rule_new(void)
{
	return nftnl_rule_alloc();
}

/* ------------------------------------------------------------------ */
/* interval elements                                                   */

void nft_span_prefix(const struct cidr *c, struct nft_span *s)
{
	s->open = !cidr_span(c, s->lo, s->hi);
}

void nft_span_ifname(const char *name, bool wild, struct nft_span *s)
{
	size_t n = strnlen(name, IFNAMSIZ - 1);

	memset(s, 0, sizeof(*s));
	memcpy(s->lo, name, n);
	memcpy(s->hi, name, n);
	if (wild && n)
		s->hi[n - 1]++;		/* "pnh" -> "pni": every "pnh..." */
	else
		s->hi[IFNAMSIZ - 1] = 1;	/* just after the name itself */
}

int nft_span_put(struct nftnl_set *s, const struct nft_span *sp, uint32_t len,
		 const char *chain)
{
	struct nftnl_set_elem *e = nft_elem(s, sp->lo, len);

	if (!e)
		return -ENOMEM;
	if (chain) {
		nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_VERDICT, NFT_GOTO);
		nftnl_set_elem_set_str(e, NFTNL_SET_ELEM_CHAIN, chain);
	}
	if (sp->open)
		return 0;
	e = nft_elem(s, sp->hi, len);
	if (!e)
		return -ENOMEM;
	nftnl_set_elem_set_u32(e, NFTNL_SET_ELEM_FLAGS, NFT_SET_ELEM_INTERVAL_END);
	return 0;
}
