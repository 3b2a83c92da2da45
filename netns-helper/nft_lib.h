/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * nft_lib.h - the plumbing under nft.c and nft_network.c: the caller's
 * nfnetlink socket (struct nft, nft.h), batches (one batch is one atomic
 * transaction), reads, and small builders that each add one expression or
 * object, so the rule code reads like the nft syntax it stands for.
 */
#ifndef PN_NFT_LIB_H
#define PN_NFT_LIB_H

#include <libmnl/libmnl.h>
#include <libnftnl/expr.h>
#include <libnftnl/rule.h>
#include <libnftnl/set.h>
#include <net/if.h>
#include <stdbool.h>
#include <stdint.h>

#include "nft.h"

/* nft's data type numbers, so `nft list ruleset` shows readable sets */
#define TYPE_IPV4	7
#define TYPE_IPV6	8
#define TYPE_PROTO	12
#define TYPE_SERVICE	13
#define TYPE_IFNAME	41
#define CONCAT(a, b)	((a) << 6 | (b))

/* NFT_REG_VERDICT is 0, so "no data register" needs its own value */
#define NO_DREG UINT32_MAX

/* ------------------------------------------------------------------ */
/* batches and reads                                                   */

struct nft_batch {
	struct nft *nft;	/* the socket it goes out on */
	char *buf;
	struct mnl_nlmsg_batch *b;
	uint32_t first_seq;
	int n_msgs;		/* messages that want an ACK */
};

/* nft_batch_start() - open @nft's socket if needed and begin a batch to
 * go out on it. */
int nft_batch_start(struct nft_batch *bt, struct nft *nft);
/* nft_batch_msg() - the header of the batch's next message (wants an ACK). */
struct nlmsghdr *nft_batch_msg(struct nft_batch *bt, uint16_t type,
			       uint16_t flags);
/* nft_batch_next() - close the message nft_batch_msg() began. */
int nft_batch_next(struct nft_batch *bt);
/* nft_batch_send() - commit: the first error of the batch, or 0. Frees. */
int nft_batch_send(struct nft_batch *bt);
void nft_batch_free(struct nft_batch *bt);
/* nft_batch_finish() - send the batch when @r (the result of filling it)
 * is 0, else drop it; either way freed. Return: @r, or the send's. */
int nft_batch_finish(struct nft_batch *bt, int r);

/*
 * nft_request() - send the GET request nft_request_hdr() began in @buf on
 * @nft's socket (opened if needed) and run @cb on each reply until the
 * dump ends or the ACK arrives; the kernel's error (-ENOENT: no such
 * object) otherwise.
 */
struct nlmsghdr *nft_request_hdr(char *buf, uint16_t type, uint16_t flags);
int nft_request(struct nft *nft, struct nlmsghdr *nlh, mnl_cb_t cb,
		void *data);

/* ------------------------------------------------------------------ */
/* expressions: each adds one to rule @r                               */

void ex_add(struct nftnl_rule *r, struct nftnl_expr *e);
void ex_meta(struct nftnl_rule *r, uint32_t key, uint32_t dreg);
void ex_cmp(struct nftnl_rule *r, uint32_t op, const void *data,
	    uint32_t len);
void ex_cmp_u8(struct nftnl_rule *r, uint8_t v);
void ex_payload(struct nftnl_rule *r, uint32_t base, uint32_t off,
		uint32_t len, uint32_t dreg);
void ex_bitwise(struct nftnl_rule *r, const void *mask, uint32_t len);
/* lookup @set with the key in reg 1; @dreg NO_DREG = membership test */
void ex_lookup(struct nftnl_rule *r, const char *set, bool inv,
	       uint32_t dreg);
void ex_verdict(struct nftnl_rule *r, int v, const char *chain);
/* ct KEY & mask != 0 (ct state / ct status bits, host byte order) */
void ex_ct_bits(struct nftnl_rule *r, uint32_t key, uint32_t mask);
void ex_nfproto(struct nftnl_rule *r, uint8_t proto);
void ex_l4proto(struct nftnl_rule *r, uint8_t proto);
/* iifname/oifname [!=] @set */
void ex_ifname_in(struct nftnl_rule *r, uint32_t key, const char *set,
		  bool inv);
/* ip/ip6 saddr/daddr (loaded into reg 1) for @family */
void ex_addr_load(struct nftnl_rule *r, int family, bool dst);
void ex_th_dport(struct nftnl_rule *r, uint16_t port);
/* ct count over @count: matches while the connections counted by this
 * expression (those that passed it) are more than @count */
void ex_ct_count_over(struct nftnl_rule *r, uint32_t count);
/* add @set { <reg 1> ct count over @count }: the element of the key in
 * reg 1 (made when missing) counts its own connections; matches while
 * they are more than @count */
void ex_set_ct_count_over(struct nftnl_rule *r, const char *set,
			  uint32_t count);

/* ------------------------------------------------------------------ */
/* objects of the table                                                */

struct nft_set_def {
	const char *name;
	uint32_t key_type, key_len;
	uint32_t flags;
	uint32_t data_type, data_len;
};

struct nftnl_rule *nft_rule_new(void);
/* nft_put_rule() - append @r (consumed) to @chain */
int nft_put_rule(struct nft_batch *bt, struct nftnl_rule *r,
		 const char *chain);
/* nft_put_chain() - a base chain when @type is set, else a regular one */
int nft_put_chain(struct nft_batch *bt, const char *name, const char *type,
		  int hook, int prio);
int nft_put_set(struct nft_batch *bt, const struct nft_set_def *d);
struct nftnl_set *nft_set_new(const char *name);
struct nftnl_set_elem *nft_elem(struct nftnl_set *s, const void *key,
				uint32_t len);
/* nft_put_elems() - add (NEWSETELEM) or delete (DELSETELEM) the elements
 * of @s (consumed); a DELSETELEM without elements flushes the set. */
int nft_put_elems(struct nft_batch *bt, struct nftnl_set *s, uint16_t type);
/* nft_ifname_key() - @ifname zero-padded to IFNAMSIZ, as nft keys it */
int nft_ifname_key(const char *ifname, char key[IFNAMSIZ]);

/* ------------------------------------------------------------------ */
/* interval elements: [lo, hi) as the kernel keeps them                */

struct cidr;

struct nft_span {
	uint8_t lo[16], hi[16];
	bool open;		/* hi is past the last address: no end element */
};

/* nft_span_prefix() - the addresses of prefix @c */
void nft_span_prefix(const struct cidr *c, struct nft_span *s);
/* nft_span_ifname() - interface @name, or every name beginning with it */
void nft_span_ifname(const char *name, bool wild, struct nft_span *s);
/* nft_span_put() - the start (with a goto @chain for a verdict map, or
 * NULL) and end elements of @sp into @s, keys of @len bytes */
int nft_span_put(struct nftnl_set *s, const struct nft_span *sp, uint32_t len,
		 const char *chain);

#endif
