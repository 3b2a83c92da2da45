/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * wgconf.h - a wg-quick configuration file (/etc/wireguard/NAME.conf) as
 * plain structs, for networks of type "vpn" with "wireguard".
 *
 * Understood: [Interface] PrivateKey, Address, DNS, MTU, ListenPort,
 * FwMark; [Peer] PublicKey, PresharedKey, Endpoint, AllowedIPs,
 * PersistentKeepalive; any number of peers. Keys are case-insensitive, as
 * wg-quick reads them; lists are comma-separated and may repeat. The keys
 * that make wg-quick run commands or choose routes (PreUp, PostUp,
 * PreDown, PostDown, Table, SaveConfig) are refused: the helper runs no
 * commands, and the namespace routes everything through the tunnel.
 *
 * Every error has the form "FILE:LINE: MESSAGE" (or "FILE: MESSAGE" when
 * no line applies), like the policy file's.
 */
#ifndef PN_WGCONF_H
#define PN_WGCONF_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "cidr.h"
#include "conf.h"

#define WG_KEY_LEN		32
#define WG_KEY_B64_LEN		44	/* base64 of a key, without NUL */
#define WG_MAX_PEERS		256
#define WG_MAX_ALLOWED		1024	/* AllowedIPs of one peer */
#define WG_HOST_MAX		254	/* endpoint host names, with NUL */
#define WGCONF_MAX_SIZE		(256 * 1024)
#define WG_DEFAULT_MTU		1420	/* wg-quick's and wireguard-go's */

struct wg_endpoint {
	char host[WG_HOST_MAX];		/* as written, no brackets; "" = none */
	uint16_t port;
	struct sockaddr_storage sa;	/* set for numeric hosts, and by */
	socklen_t salen;		/* wgconf_resolve(); 0 = unresolved */
};

struct wg_peer {
	int line;			/* of its [Peer] */
	uint8_t public_key[WG_KEY_LEN];
	uint8_t preshared_key[WG_KEY_LEN];
	bool has_psk;
	struct wg_endpoint endpoint;
	int endpoint_line;
	uint16_t keepalive;		/* seconds; 0 = off */
	struct cidr *allowed;		/* host bits cleared */
	size_t n_allowed;
};

struct wg_conf {
	uint8_t private_key[WG_KEY_LEN];
	struct cidr_list address;	/* with prefix; host bits kept */
	struct cidr_list dns;		/* servers only */
	unsigned mtu;			/* 0 = not given */
	uint16_t listen_port;
	bool has_listen_port;
	uint32_t fwmark;		/* 0 = off */
	struct wg_peer *peers;
	size_t n_peers;
};

/*
 * wgconf_parse() - parse and validate wg-quick text; @name stands for the
 * file in messages. Resolves numeric endpoints only, so that it never
 * touches the network: for unit tests and the fuzzer.
 *
 * Return: 0 and *ret set (free with wgconf_free()), or -errno and @err set
 */
int wgconf_parse(const char *text, size_t len, const char *name,
		 struct wg_conf **ret, char *err, size_t errlen);

/*
 * wgconf_load() - refuse a file a non-root user could have written or can
 * read (it holds a private key), then wgconf_parse() its text.
 * Return: 0 and *ret set, or -errno and @err set
 */
int wgconf_load(const char *path, struct wg_conf **ret, char *err,
		size_t errlen);

/*
 * wgconf_resolve() - resolve the endpoints named by host names with
 * getaddrinfo(); numeric ones are resolved already.
 * Return: 0, or -EADDRNOTAVAIL with "FILE:LINE: ..." in @err
 */
int wgconf_resolve(struct wg_conf *c, const char *name, char *err,
		   size_t errlen);

void wgconf_free(struct wg_conf *c);

/* wgconf_key_b64() - @key in base64 (WG_KEY_B64_LEN + 1 bytes of @buf). */
const char *wgconf_key_b64(const uint8_t key[WG_KEY_LEN],
			   char buf[WG_KEY_B64_LEN + 1]);

/* wgconf_key_hex() - @key in lowercase hex, as the UAPI wants it. */
const char *wgconf_key_hex(const uint8_t key[WG_KEY_LEN],
			   char buf[2 * WG_KEY_LEN + 1]);

/* wgconf_b64_key() - decode base64 @s into a key; -EINVAL when @s is not
 * base64, -EMSGSIZE when it does not decode to WG_KEY_LEN bytes. */
int wgconf_b64_key(const char *s, uint8_t key[WG_KEY_LEN]);

/* wgconf_sockaddr_str() - "A:PORT" or "[A6]:PORT" into @buf. */
const char *wgconf_sockaddr_str(const struct sockaddr *sa, char *buf,
				size_t len);

#endif
