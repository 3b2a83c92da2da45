// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_module.c - the built pam_netns.so loads with RTLD_NOW (every
 * symbol it needs resolves), provides both session entry points, and
 * exports nothing else (the version script), like Linux-PAM's
 * tests/tst-dlopen.c; the module's options (args.c, compiled in here)
 * take what they should and refuse the rest, each with its message; and
 * the protocol (common/protocol.c, in libhelper.a) reads back what it
 * writes, refuses what the module must not act on, and has one token
 * format for both sides; the module's request to the service
 * (service.c, compiled in) is one the service reads back.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>

#include "tap.h"
#include "../../pam_netns/args.c"
#include "../../pam_netns/service.c"

/* pam_syslog() ends here: the last message, for the tests below. */
static char logged[512];

void vsyslog(int prio, const char *fmt, va_list ap)
{
	(void)prio;
	vsnprintf(logged, sizeof(logged), fmt, ap);
}

/* libpam is built with _FORTIFY_SOURCE: its calls arrive here */
void __syslog_chk(int prio, int flag, const char *fmt, ...);
void __syslog_chk(int prio, int flag, const char *fmt, ...)
{
	va_list ap;

	(void)flag;
	va_start(ap, fmt);
	vsyslog(prio, fmt, ap);
	va_end(ap);
}

/* pn_parse_args() of one option: its result, the timeout in *ret. */
static int parse_one(const char *arg, int *ret)
{
	const char *argv[] = { arg };
	struct pn_args a;
	int r;

	*logged = '\0';
	r = pn_parse_args(NULL, 1, argv, &a);
	*ret = a.timeout;
	return r;
}

static void options(void)
{
	static const char *const bad[] = { "timeout=4", "timeout=301",
		"timeout=", "timeout=ten", "timeout=10s", "timeout=-30" };
	struct pn_args a;
	int t;

	ok(!pn_parse_args(NULL, 0, NULL, &a) && a.timeout == 30 &&
	   !strcmp(a.helper, HELPER_PATH) && !a.conf && !a.debug,
	   "no options: the defaults (timeout 30 s)");
	ok(!parse_one("timeout=10", &t) && t == 10, "timeout=10");
	ok(!parse_one("timeout=5", &t) && t == 5, "timeout=5, the least");
	ok(!parse_one("timeout=300", &t) && t == 300, "timeout=300, the most");
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		char want[128];

		/* libpam says "PAM" for a module without a handle */
		snprintf(want, sizeof(want), "PAM option timeout='%s': not a "
			 "number of seconds from 5 to 300", bad[i] + 8);
		ok(parse_one(bad[i], &t) == -1, "%s is refused", bad[i]);
		is(logged, want, "  and logged");
	}
	ok(!parse_one("frobnicate", &t) && t == 30, "an unknown option is "
	   "ignored");
	is(logged, "PAM unknown option 'frobnicate', ignoring",
	   "  and logged");
}

#define TOKEN	"t0123456789abcdef0123456789abcdef"
#define JOIN	"action=join\nnetns=corp.alice\nnetns_ino=4026532290\n" \
		"session=" TOKEN "\n"

static void tokens(void)
{
	unsigned char rnd[PN_TOKEN_RANDOM];
	char t[PN_TOKEN_LEN + 1];

	memset(rnd, 0xa5, sizeof(rnd));
	rnd[0] = 0x01;
	pn_token_format(t, rnd);
	is(t, "t01a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5", "a token: 't', 32 hex digits");
	ok(pn_token_ok(t) && pn_token_ok(TOKEN), "  and it is valid");
	ok(!pn_token_ok("") && !pn_token_ok("t") &&
	   !pn_token_ok(TOKEN "0") && !pn_token_ok("t0123456789abcdef") &&
	   !pn_token_ok("x0123456789abcdef0123456789abcdef") &&
	   !pn_token_ok("t0123456789ABCDEF0123456789abcdef") &&
	   !pn_token_ok("t0123456789abcdef0123456789abcde/"),
	   "short, long, other prefix, capitals, '/': refused");
}

static void answer_writer(void)
{
	char buf[PN_ANSWER_MAX + 1] = "", big[PN_ANSWER_MAX];

	ok(!pn_answer_add(buf, sizeof(buf), PN_KEY_ACTION, PN_ACTION_DENY) &&
	   !pn_answer_add(buf, sizeof(buf), PN_KEY_REASON, "no"),
	   "pn_answer_add() writes key=value lines");
	is(buf, "action=deny\nreason=no\n", "  one per line");
	ok(pn_answer_add(buf, sizeof(buf), PN_KEY_REASON, "a\nnetns=x") ==
	   -EINVAL, "a value with a newline is refused");
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ok(pn_answer_add(buf, sizeof(buf), PN_KEY_REASON, big) == -E2BIG &&
	   !strcmp(buf, "action=deny\nreason=no\n"),
	   "past PN_ANSWER_MAX: -E2BIG, the answer unchanged");
}

static void answer_parser(void)
{
	static const struct { const char *text, *why; } bad[] = {
		{ "", "nothing" },
		{ "netns-helper: error: no policy\n", "messages only" },
		{ "action=\n", "an empty action" },
		{ "action=maybe\n", "an unknown action" },
		{ "action=none\naction=join\n", "action twice" },
		{ JOIN "netns=other\n", "netns twice" },
		{ "action=join\nnetns=corp\n", "join without inode, token" },
		{ "action=join\nnetns=../x\nnetns_ino=1\nsession=" TOKEN
		  "\n", "join with a bad namespace name" },
		{ "action=join\nnetns=x\nnetns_ino=0\nsession=" TOKEN "\n",
		  "join with inode 0" },
		{ "action=join\nnetns=x\nnetns_ino=-1\nsession=" TOKEN "\n",
		  "join with a negative inode" },
		{ "action=join\nnetns=x\nnetns_ino=99999999999999999999\n"
		  "session=" TOKEN "\n", "join with an inode past 64 bits" },
		{ "action=join\nnetns=x\nnetns_ino=1\nsession=tabc\n",
		  "join with a bad token" },
		{ "action=join\nnetns=x\nnetns_ino=1\nsession=" TOKEN,
		  "a cut last line" },
	};
	struct pn_answer a;
	char big[PN_ANSWER_MAX + 64];

	ok(!pn_answer_parse("netns-helper: warning: a=b\n" JOIN
			    "network=corp\nscope=user\n"
			    "resolv=/etc/netns/corp.alice/resolv.conf\n"
			    "future_key=1\n", &a) && a.action == PN_JOIN &&
	   !strcmp(a.netns, "corp.alice") && a.netns_ino == 4026532290ULL &&
	   !strcmp(a.session, TOKEN),
	   "join, with messages and keys the module does not use");
	ok(!pn_answer_parse("action=none\n", &a) && a.action == PN_NONE,
	   "none");
	ok(!pn_answer_parse("action=deny\nreason=a rule denies it\n", &a) &&
	   a.action == PN_DENY && !strcmp(a.reason, "a rule denies it"),
	   "deny, with its reason");
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		ok(pn_answer_parse(bad[i].text, &a) == -EBADMSG, "refused: %s",
		   bad[i].why);
	memset(big, 'x', sizeof(big));
	memcpy(big, "action=none\nreason=", 19);
	strcpy(big + sizeof(big) - 2, "\n");
	ok(pn_answer_parse(big, &a) == -EBADMSG,
	   "refused: an answer past PN_ANSWER_MAX");
	memset(big, 'x', sizeof(big));
	memcpy(big, "action=deny\nreason=", 19);
	strcpy(big + 1024, "\n");
	ok(!pn_answer_parse(big, &a) && strlen(a.reason) == PN_REASON_MAX,
	   "a long reason is cut to PN_REASON_MAX");
}

/* The service's request: written by the module, read by the service. */
static void requests(void)
{
	static const char *const bad[] = {
		"",					/* empty */
		"verb=session-open\nuser=a\n",		/* no service */
		"verb=session-open\nuser=a\nservice=s",	/* cut */
		"verb=session-open\nuser=a\nservice=s\nuser=b\n", /* twice */
		"verb=session-open\nuser=a\nservice=s\npid=1\n", /* no pid */
		"verb=session-open\nuser=a\nservice=s\nsession=t\n",
		"verb=session-close\nuser=a\nsession=t\n",
		"verb=session-close\n",			/* no token */
		"verb=gc\n",				/* not a verb */
		"user=a\nservice=s\n",			/* no verb */
		"verb=session-open\nuser=\nservice=s\n",	/* empty */
		"verb=session-open\nuser=a\nservice=s\nnoequals\n",
		"verb=session-open\nuser=a\nservice=s\n=x\n",
		"verb=tunnel\ndev=tun0\n",		/* no address */
		"verb=tunnel\naddress=10.8.0.2/24\n",	/* no dev */
		"verb=tunnel\ndev=tun0\naddress=10.8.0.2/24\nuser=a\n",
		"verb=session-open\nuser=a\nservice=s\ndev=tun0\n",
		"verb=tunnel\ndev=tun0\naddress=10.8.0.2/24\nconfig=/x\n",
	};
	char buf[PN_REQUEST_MAX + 2] = "", copy[PN_REQUEST_MAX + 2];
	struct pn_request r;

	ok(!pn_request_add(buf, sizeof(buf), PN_KEY_VERB, PN_VERB_OPEN) &&
	   !pn_request_add(buf, sizeof(buf), PN_OPT_USER, "alice") &&
	   !pn_request_add(buf, sizeof(buf), PN_OPT_SERVICE, "sshd") &&
	   !pn_request_add(buf, sizeof(buf), PN_OPT_DEADLINE_MS, "30000"),
	   "a request is written");
	ok(pn_request_add(buf, sizeof(buf), PN_OPT_TTY, "a\nverb=x") == -EINVAL,
	   "a value with a newline is refused");
	memcpy(copy, buf, sizeof(buf));
	ok(!pn_request_parse(copy, strlen(buf), &r) &&
	   !strcmp(r.verb, PN_VERB_OPEN) && !strcmp(r.user, "alice") &&
	   !strcmp(r.service, "sshd") && !strcmp(r.deadline_ms, "30000") &&
	   !r.rhost && !r.tty && !r.session, "and read back");
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(copy, sizeof(copy), "%s", bad[i]);
		ok(pn_request_parse(copy, strlen(copy), &r) == -EBADMSG,
		   "request refused: %zu", i);
	}
	snprintf(copy, sizeof(copy), "verb=tunnel\ndev=tun0\n"
		 "address=10.8.0.2/24,fd00::2/64\ndns=10.8.0.1\n");
	ok(!pn_request_parse(copy, strlen(copy), &r) &&
	   !strcmp(r.verb, PN_VERB_TUNNEL) && !strcmp(r.dev, "tun0") &&
	   !strcmp(r.address, "10.8.0.2/24,fd00::2/64") &&
	   !strcmp(r.dns, "10.8.0.1") && !r.user && !r.config,
	   "a VPN client's report (tunnel) is read");
	memcpy(copy, "verb=session-open\nuser=a\0\nservice=s\n", 37);
	ok(pn_request_parse(copy, 37, &r) == -EBADMSG, "a NUL is refused");
	memset(copy, 'a', sizeof(copy));
	ok(pn_request_parse(copy, PN_REQUEST_MAX + 1, &r) == -EBADMSG,
	   "an oversized request is refused");
	ok(pn_answer_exit("action=none\nexit=0\n") == 0 &&
	   pn_answer_exit("exit=3\n") == 3 &&
	   pn_answer_exit("action=none\n") == -EBADMSG &&
	   pn_answer_exit("exit=256\n") == -EBADMSG &&
	   pn_answer_exit("exit=1") == -EBADMSG,
	   "the service's exit line");
}

/* pn_service_request(): what the module sends the service. */
static void service_requests(void)
{
	const char *const opts[] = { PN_OPT_USER, "alice", PN_OPT_SERVICE,
				     "sshd", PN_OPT_RHOST, "", PN_OPT_TTY,
				     NULL, NULL };
	const char *const nl[] = { PN_OPT_SESSION, "t\nverb=x", NULL };
	const char *argv[] = { "conf=/etc/pn.conf", "timeout=12" };
	char req[PN_REQUEST_MAX + 1] = "";
	struct pn_request r;
	struct pn_args a;

	ok(!pn_parse_args(NULL, 2, argv, &a) &&
	   !pn_service_request(NULL, &a, PN_VERB_OPEN, opts, req,
			       sizeof(req)), "the module writes an open request");
	is(req, "verb=session-open\nconfig=/etc/pn.conf\ndeadline-ms=12000\n"
	   "user=alice\nservice=sshd\n",
	   "  the policy and the time limit as on the exec path, no empty "
	   "or unset option");
	ok(!pn_request_parse(req, strlen(req), &r) && !strcmp(r.user, "alice")
	   && !r.rhost && !r.tty, "  and the service reads it back");
	*req = '\0';
	*logged = '\0';
	ok(pn_service_request(NULL, &a, PN_VERB_CLOSE, nl, req,
			      sizeof(req)) == -1, "a value with a newline: "
	   "no request");
	ok(strstr(logged, "the request does not fit") != NULL, "  and logged");
}

int main(void)
{
	const char *b = getenv("B");
	char path[4096], cmd[4200], line[256], got[1024] = "";
	void *h;
	FILE *p;

	snprintf(path, sizeof(path), "%s/pam_netns.so", b ? b : "build");
	h = dlopen(path, RTLD_NOW | RTLD_LOCAL);
	ok(h != NULL, "dlopen(%s, RTLD_NOW): %s", path, h ? "ok" : dlerror());
	ok(h && dlsym(h, "pam_sm_open_session"), "pam_sm_open_session");
	ok(h && dlsym(h, "pam_sm_close_session"), "pam_sm_close_session");
	ok(h && !dlsym(h, "pam_sm_authenticate"), "no auth entry point");
	ok(h && !dlsym(h, "pn_enter") && !dlsym(h, "name_check_netns"),
	   "internal functions are not visible");

	snprintf(cmd, sizeof(cmd), "nm -D --defined-only '%s'", path);
	p = popen(cmd, "r");
	while (p && fgets(line, sizeof(line), p)) {
		char *sym = strrchr(line, ' ');

		if (sym)
			strncat(got, sym + 1, sizeof(got) - strlen(got) - 1);
	}
	ok(p && pclose(p) == 0, "nm -D runs");
	is(got, "pam_sm_close_session\npam_sm_open_session\n",
	       "nm -D: only the pam_sm_* session functions are exported");
	if (h)
		dlclose(h);
	options();
	tokens();
	answer_writer();
	answer_parser();
	requests();
	service_requests();
	return done_testing();
}
