/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * protocol.h - the contract between pam_netns.so and netns-helper, in one
 * place: the verbs the module runs, the request it makes, the answer it
 * gets back, the exit codes, the session token, and their limits. Both
 * sides include this header and use only its names; protocol.c (built into
 * both) holds the token format and the answer's writer and parser.
 *
 * Request: the module runs
 *
 *   netns-helper [--config FILE] session-open --user U --service S
 *       [--rhost H] [--tty T] --pid PID [--deadline-ms N]
 *   netns-helper [--config FILE] session-close --session TOKEN
 *       [--deadline-ms N]
 *
 * Answer: session-open prints "key=value\n" lines on stdout, at most
 * PN_ANSWER_MAX bytes with their newlines, each key once, no value holding
 * a newline (pn_answer_add() refuses to write anything else):
 *
 *   action=join|none|deny
 *   netns=NAME  netns_ino=INODE  session=TOKEN  network=N  scope=S
 *   resolv=PATH                     (join)
 *   prebuilt=1                      (join: a session-scope login of a
 *                                   network with "prebuilt", prebuilt.h)
 *   reason=TEXT                     (deny)
 *
 * A key is [a-z_]+: any line that does not start like that is a message
 * (the helper's stderr shares the pipe), which the module logs. A resident
 * service answering on a unix socket sends the same lines and no messages.
 */
#ifndef PN_PROTOCOL_H
#define PN_PROTOCOL_H

#include <stdbool.h>
#include <stddef.h>

#include "names.h"
#include "paths.h"

/* The verbs pam_netns.so runs. */
#define PN_VERB_OPEN		"session-open"
#define PN_VERB_CLOSE		"session-close"
/* The service's third verb: a VPN client's report of the address and
 * resolvers its server gave it (`netns-helper openvpn-up`, run by
 * OpenVPN's --up), checked against the policy of the network that adopts
 * its device. */
#define PN_VERB_TUNNEL		"tunnel"

/*
 * The request: long option names (given as "--NAME VALUE"); a service
 * would take them as keys. PN_OPT_CONFIG is the helper's global option,
 * before the verb.
 */
#define PN_OPT_CONFIG		"config"	/* absolute path of the policy */
#define PN_OPT_USER		"user"		/* PAM_USER */
#define PN_OPT_SERVICE		"service"	/* PAM_SERVICE */
#define PN_OPT_RHOST		"rhost"		/* PAM_RHOST, optional */
#define PN_OPT_TTY		"tty"		/* PAM_TTY, optional */
#define PN_OPT_PID		"pid"		/* the PAM caller: owns the session */
#define PN_OPT_DEADLINE_MS	"deadline-ms"	/* the time the helper has */
#define PN_OPT_SESSION		"session"	/* session-close: the token */
#define PN_OPT_DEV		"dev"		/* tunnel: the device's name */
#define PN_OPT_ADDRESS		"address"	/* tunnel: A/P[,A/P] */
#define PN_OPT_DNS		"dns"		/* tunnel: A[,A], optional */

/* The module's timeout= option, in s; --deadline-ms is 1 to
 * PN_TIMEOUT_MAX * 1000 (deadline.h). */
#define PN_TIMEOUT_DEFAULT	30
#define PN_TIMEOUT_MIN		5
#define PN_TIMEOUT_MAX		300

/* The answer's keys. */
#define PN_KEY_ACTION		"action"
#define PN_KEY_NETNS		"netns"		/* the namespace's name */
#define PN_KEY_NETNS_INO	"netns_ino"	/* its inode, checked on entry */
#define PN_KEY_SESSION		"session"	/* the token for session-close */
#define PN_KEY_NETWORK		"network"
#define PN_KEY_SCOPE		"scope"
#define PN_KEY_RESOLV		"resolv"	/* bound over /etc/resolv.conf */
#define PN_KEY_REASON		"reason"	/* why the login is refused */
#define PN_KEY_PREBUILT		"prebuilt"	/* 1: the network keeps spares
						 * (for the service's pool) */

/* The values of action=. */
#define PN_ACTION_JOIN		"join"
#define PN_ACTION_NONE		"none"
#define PN_ACTION_DENY		"deny"

#define PN_ANSWER_MAX		4096	/* bytes of answer lines, newlines in */
#define PN_REASON_MAX		255	/* bytes of reason= the module keeps */

/*
 * Exit codes of every verb of netns-helper, documented in netns-helper(8)
 * (EXIT STATUS). session-open exits EXIT_OK for join and none, EXIT_DENIED
 * for deny; the module fails closed on any other.
 */
enum {
	EXIT_OK = 0,		/* success (session-open: also action=none) */
	EXIT_FAIL = 1,		/* the operation failed; what this run made
				 * was rolled back */
	EXIT_USAGE = 2,		/* unknown verb, option or bad argument */
	EXIT_DENIED = 3,	/* the policy refuses this login (session-open) */
	EXIT_CONFIG = 4,	/* the policy file is missing or invalid (edit:
				 * the edited copy is, and was not installed) */
};

/*
 * The codes the module's child exits with when the helper never started:
 * the helper itself never uses them.
 */
enum {
	PN_EXIT_NOT_ROOT = 125,	/* could not become uid 0 */
	PN_EXIT_NO_EXEC = 126,	/* could not set the child up */
	PN_EXIT_NOT_FOUND = 127, /* execve failed */
};

/*
 * The resident service (netns-helper serve, started by netns-helper.socket
 * or by hand): the same two verbs over a SOCK_SEQPACKET unix socket at
 * PN_SOCKET_PATH, in a directory that is root's and 0700 (so only root can
 * connect), one request and one answer per connection.
 *
 * Request: one message of at most PN_REQUEST_MAX bytes of "key=value\n"
 * lines: "verb=" (PN_VERB_OPEN, PN_VERB_CLOSE or PN_VERB_TUNNEL) and the
 * verb's options by
 * their PN_OPT_ names, each once, nothing else (pn_request_parse()). No
 * "pid": the owner of a session opened this way is the connection's peer
 * (SO_PEERCRED, SO_PEERPIDFD), never a number a request names.
 *
 * Answer: one message: what session-open prints (none for session-close)
 * and a last line "exit=N", the exit code the exec path would have ended
 * with. The module falls back to exec'ing the helper only when it cannot
 * connect at all; once a request is sent, anything but a whole answer in
 * time refuses the login.
 */
#define PN_SOCKET_DIR		STATE_DIR "/service"
#define PN_SOCKET_PATH		PN_SOCKET_DIR "/socket"
#define PN_REQUEST_MAX		4096	/* bytes of a request message */
#define PN_MESSAGE_MAX		(PN_ANSWER_MAX + 64)	/* of an answer */
#define PN_KEY_VERB		"verb"
#define PN_KEY_EXIT		"exit"

/*
 * pn_service_connect() - a connection to the service at PN_SOCKET_PATH,
 * its connect and sends bounded by @timeout_s (SO_SNDTIMEO: a service
 * that does not accept), and checked to be root's (SO_PEERCRED).
 * Return: the fd; -errno of socket/connect (-ENOENT, -ECONNREFUSED: no
 * service); or -EPERM when the server runs as another uid (@peer_uid).
 */
int pn_service_connect(int timeout_s, unsigned *peer_uid);

/* A request as the service reads it: pointers into the message, NULL for
 * an option that was not given. */
struct pn_request {
	const char *verb;
	const char *config, *user, *service, *rhost, *tty, *deadline_ms;
	const char *session;
	const char *dev, *address, *dns;
};

/*
 * pn_request_add() - append "@key=@value\n" to the request in @buf (@len
 * bytes, NUL-terminated, "" to start with); as pn_answer_add(), with
 * PN_REQUEST_MAX as the limit.
 */
int pn_request_add(char *buf, size_t len, const char *key, const char *value);

/*
 * pn_request_parse() - split request @msg of @n bytes (changed in place:
 * the newlines become NULs) into @ret. Refused (-EBADMSG): more than
 * PN_REQUEST_MAX bytes, a NUL byte, a line that is not "key=value\n", an
 * unknown verb or key, a key twice, an option the verb does not take, a
 * missing required one (open: user and service; close: session; tunnel:
 * dev and address), an empty value.
 */
int pn_request_parse(char *msg, size_t n, struct pn_request *ret);

/* The session token: 't' and 32 lowercase hex digits (16 random bytes). */
#define PN_TOKEN_PREFIX		't'
#define PN_TOKEN_RANDOM		16
#define PN_TOKEN_LEN		(1 + 2 * PN_TOKEN_RANDOM)

/* pn_token_format() - the token of the random bytes @rnd, in @buf. */
void pn_token_format(char buf[PN_TOKEN_LEN + 1],
		     const unsigned char rnd[PN_TOKEN_RANDOM]);

/* pn_token_ok() - true for a string pn_token_format() could have made:
 * checked before a token is stored, passed on or looked up. */
bool pn_token_ok(const char *s);

/* What session-open answered, as the module keeps it. */
enum pn_action { PN_NONE, PN_JOIN, PN_DENY };

struct pn_answer {
	enum pn_action action;
	char netns[NETNS_NAME_MAX + 1];
	unsigned long long netns_ino;
	char session[PN_TOKEN_LEN + 1];
	char reason[PN_REASON_MAX + 1];
	int exit_code;		/* "exit=" of the service's answer; -1 when
				 * absent (the exec path: the process's) */
};

/*
 * pn_answer_add() - append "@key=@value\n" to the answer in @buf (@len
 * bytes, NUL-terminated, "" to start with).
 * Return: 0, -EINVAL for a value holding a newline, or -E2BIG when the
 * answer would grow past PN_ANSWER_MAX or @len; @buf is unchanged then.
 */
int pn_answer_add(char *buf, size_t len, const char *key, const char *value);

/*
 * pn_answer_key_len() - the length of the key of line @l when it is an
 * answer line ("[a-z_]+=" at its start), else 0: a message.
 */
size_t pn_answer_key_len(const char *l, size_t n);

/*
 * pn_answer_parse() - read the answer lines of @text into @ret, and check
 * them: action= is required and join, none or deny; a key comes once; an
 * answer line ends with a newline (a cut one is refused); join needs a
 * valid namespace name, a non-zero inode and a valid token. Other keys are
 * ignored, messages are skipped. reason= is cut to PN_REASON_MAX.
 * Return: 0, or -EBADMSG.
 */
int pn_answer_parse(const char *text, struct pn_answer *ret);

/*
 * pn_answer_exit() - the code of the service's answer @text: its last line
 * must be "exit=N\n" with N in 0-255.
 * Return: N, or -EBADMSG
 */
int pn_answer_exit(const char *text);

#endif
