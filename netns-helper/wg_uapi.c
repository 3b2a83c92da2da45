// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * wg_uapi.c - userspace WireGuard (see wg.h): wireguard-go runs one tun
 * device and listens on WG_UAPI_DIR/IFNAME.sock, where it speaks the
 * cross-platform text protocol (https://www.wireguard.com/xplatform/):
 * "set=1\n" or "get=1\n", then key=value lines, an empty line, and the
 * answer ends with "errno=N\n\n".
 *
 * The daemon is started in the foreground (-f) so that its pid is ours
 * to record: the record, not the daemon, decides its life. It gets its
 * own session, /dev/null for stdio (a caller reading the helper's output
 * must see EOF when the helper exits) and no other fd, so it never holds
 * a lock of the helper's. Its tun device goes away with it. Under
 * systemd, net_vpn.c moves it into a scope of its own before it runs
 * (sdscope.h), out of the cgroup of whoever started the helper.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "child.h"
#include "state.h"
#include "util.h"
#include "wg.h"

#define UAPI_ANSWER_MAX (1024 * 1024)
#define IO_TIMEOUT_S	5	/* a daemon that stops answering */

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int sock_path(const char *ifname, struct sockaddr_un *sun)
{
	int n;

	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	n = snprintf(sun->sun_path, sizeof(sun->sun_path), "%s/%s.sock",
		     WG_UAPI_DIR, ifname);
	return n < 0 || (size_t)n >= sizeof(sun->sun_path) ? -ENAMETOOLONG : 0;
}

static int uapi_connect(const char *ifname)
{
	struct timeval tv = { .tv_sec = IO_TIMEOUT_S };
	struct sockaddr_un sun;
	_cleanup_close_ int fd = -1;
	int r = sock_path(ifname, &sun);

	if (r)
		return r;
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	(void)setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	(void)setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)))
		return -errno;
	return steal_fd(&fd);
}

/* ---- the daemon ----------------------------------------------------- */

/* In the child, once the helper said go: the tun device and its
 * configuration, a ListenPort below 1024. */
__attribute__((noreturn))
static void exec_daemon(const char *ifname)
{
	static const cap_value_t keep[] = { CAP_NET_ADMIN,
					    CAP_NET_BIND_SERVICE };
	char *const argv[] = { "wireguard-go", "-f", (char *)ifname, NULL };
	char *const envp[] = { "PATH=/usr/sbin:/usr/bin:/sbin:/bin",
			       "LOG_LEVEL=error", NULL };

	child_exec(keep, ARRAY_SIZE(keep), WIREGUARD_GO, argv, envp);
}

int wg_uapi_spawn(const char *ifname, pid_t *ret_pid, int *ret_gate)
{
	int gate[2];
	pid_t pid;
	char c;

	if (pipe2(gate, O_CLOEXEC))
		return -errno;
	/* the gate is all it keeps of the helper's until the exec */
	pid = child_start(&(struct child_opts){ .keep = &gate[0], .n_keep = 1,
						.new_session = true });
	if (!pid) {
		/* EOF: the helper is gone before it recorded this pid */
		if (read(gate[0], &c, 1) != 1)
			_exit(127);
		exec_daemon(ifname);
	}
	(void)close(gate[0]);
	if (pid < 0) {
		(void)close(gate[1]);
		return (int)pid;
	}
	*ret_pid = pid;
	*ret_gate = gate[1];
	return 0;
}

int wg_uapi_start(int gate, bool go)
{
	int r = !go || write(gate, "g", 1) == 1 ? 0 : -errno;

	(void)close(gate);
	return r;
}

int wg_uapi_wait(const char *ifname, pid_t pid, int timeout_ms,
		 int *ret_status)
{
	for (int waited = 0; waited <= timeout_ms; waited += 10) {
		int fd = uapi_connect(ifname), st = 0;

		if (fd >= 0) {
			(void)close(fd);
			return 0;
		}
		if (waitpid(pid, &st, WNOHANG) == pid) {
			*ret_status = st;
			return -ECHILD;
		}
		sleep_ms(10);
	}
	return -ETIMEDOUT;
}

bool wg_uapi_running(pid_t pid, unsigned long long start)
{
	char path[64], buf[512], *p;
	_cleanup_close_ int fd = -1;
	ssize_t n;

	if (!proc_alive(pid, start))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	/* "PID (COMM) STATE ...": a zombie's parent has yet to reap it */
	p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] != 'Z' && p[2] != 'X';
}

/* The daemon is gone (a zombie child of ours is reaped on the way). */
static bool gone(pid_t pid, unsigned long long start)
{
	(void)waitpid(pid, NULL, WNOHANG);
	return !wg_uapi_running(pid, start);
}

void wg_uapi_stop(const char *ifname, pid_t pid, unsigned long long start)
{
	struct sockaddr_un sun;

	if (pid > 0 && !gone(pid, start)) {
		(void)kill(pid, SIGTERM);
		for (int i = 0; i < 200 && !gone(pid, start); i++)
			sleep_ms(10);
		if (!gone(pid, start)) {
			(void)kill(pid, SIGKILL);
			for (int i = 0; i < 200 && !gone(pid, start); i++)
				sleep_ms(10);
		}
	}
	/* a killed daemon leaves its socket behind */
	if (!sock_path(ifname, &sun))
		(void)unlink(sun.sun_path);
}

/* ---- the protocol --------------------------------------------------- */

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -errno : -EIO;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

/* Read until the empty line that ends an answer; NUL-terminated. */
static int read_answer(int fd, char **ret)
{
	_cleanup_free_ char *buf = NULL;
	size_t len = 0, cap = 0;

	for (;;) {
		ssize_t n;

		if (cap - len < 4096) {
			char *nb = cap < UAPI_ANSWER_MAX ?
				   realloc(buf, cap + 16384) : NULL;

			if (!nb)
				return -EMSGSIZE;
			buf = nb;
			cap += 16384;
		}
		n = read(fd, buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n ? -errno : -EPIPE;
		len += (size_t)n;
		buf[len] = '\0';
		if ((len == 1 && buf[0] == '\n') || strstr(buf, "\n\n"))
			break;
	}
	*ret = steal_pointer(&buf);
	return 0;
}

/* The errno=N line of an answer, as -errno. */
static int answer_errno(const char *a)
{
	const char *e = strstr(a, "errno=");

	if (e != a && (!e || e[-1] != '\n'))
		return -EPROTO;
	return -atoi(e + 6);
}

static int transact(const char *ifname, const char *req, size_t len,
		    char **ret)
{
	_cleanup_close_ int fd = uapi_connect(ifname);
	int r;

	if (fd < 0)
		return fd;
	r = write_all(fd, req, len);
	return r ? r : read_answer(fd, ret);
}

static void put_peer(FILE *f, const struct wg_peer *p)
{
	char hex[2 * WG_KEY_LEN + 1], ep[64], a[CIDR_STRLEN];

	fprintf(f, "public_key=%s\n", wgconf_key_hex(p->public_key, hex));
	if (p->has_psk)
		fprintf(f, "preshared_key=%s\n",
			wgconf_key_hex(p->preshared_key, hex));
	if (p->endpoint.salen)
		fprintf(f, "endpoint=%s\n", wgconf_sockaddr_str(
				(const struct sockaddr *)&p->endpoint.sa, ep,
				sizeof(ep)));
	fprintf(f, "persistent_keepalive_interval=%u\n"
		   "replace_allowed_ips=true\n", p->keepalive);
	for (size_t i = 0; i < p->n_allowed; i++)
		fprintf(f, "allowed_ip=%s\n",
			cidr_format(&p->allowed[i], true, a, sizeof(a)));
	explicit_bzero(hex, sizeof(hex));
}

static int set_request(const struct wg_conf *c, char **ret, size_t *ret_len)
{
	char hex[2 * WG_KEY_LEN + 1];
	FILE *f = open_memstream(ret, ret_len);

	if (!f)
		return -errno;
	fprintf(f, "set=1\nprivate_key=%s\n",
		wgconf_key_hex(c->private_key, hex));
	explicit_bzero(hex, sizeof(hex));
	if (c->has_listen_port)
		fprintf(f, "listen_port=%u\n", c->listen_port);
	if (c->fwmark)
		fprintf(f, "fwmark=%u\n", c->fwmark);
	fprintf(f, "replace_peers=true\n");
	for (size_t i = 0; i < c->n_peers; i++)
		put_peer(f, &c->peers[i]);
	fputc('\n', f);
	return fclose(f) ? -ENOMEM : 0;
}

int wg_uapi_set(const char *ifname, const struct wg_conf *c)
{
	_cleanup_free_ char *req = NULL, *answer = NULL;
	size_t len = 0;
	int r = set_request(c, &req, &len);

	if (!r)
		r = transact(ifname, req, len, &answer);
	if (req)
		explicit_bzero(req, len);
	return r ? r : answer_errno(answer);
}

static void get_line(struct wg_status *st, const char *k, const char *v)
{
	struct wg_peer_status *p = st->n_peers && st->n_peers <=
				   WG_STATUS_PEERS ?
				   &st->peers[st->n_peers - 1] : NULL;
	uint8_t key[WG_KEY_LEN];

	if (!strcmp(k, "listen_port")) {
		st->listen_port = (unsigned)strtoul(v, NULL, 10);
	} else if (!strcmp(k, "public_key")) {
		p = ++st->n_peers <= WG_STATUS_PEERS ?
		    &st->peers[st->n_peers - 1] : NULL;
		if (p)
			memset(p, 0, sizeof(*p));
		for (size_t i = 0; p && i < WG_KEY_LEN &&
				   strlen(v) == 2 * WG_KEY_LEN; i++) {
			sscanf(v + 2 * i, "%2hhx", &key[i]);
			p->public_key[i] = key[i];
		}
	} else if (p && !strcmp(k, "endpoint")) {
		snprintf(p->endpoint, sizeof(p->endpoint), "%s", v);
	} else if (p && !strcmp(k, "last_handshake_time_sec")) {
		p->handshake = strtoll(v, NULL, 10);
	} else if (p && !strcmp(k, "rx_bytes")) {
		p->rx_bytes = strtoull(v, NULL, 10);
	} else if (p && !strcmp(k, "tx_bytes")) {
		p->tx_bytes = strtoull(v, NULL, 10);
	}
}

int wg_uapi_get(const char *ifname, struct wg_status *ret)
{
	static const char req[] = "get=1\n\n";
	_cleanup_free_ char *answer = NULL;
	char *save = NULL;
	int r = transact(ifname, req, sizeof(req) - 1, &answer);

	memset(ret, 0, sizeof(*ret));
	if (r)
		return r;
	r = answer_errno(answer);
	for (char *l = strtok_r(answer, "\n", &save); !r && l;
	     l = strtok_r(NULL, "\n", &save)) {
		char *eq = strchr(l, '=');

		if (!eq)
			continue;
		*eq = '\0';
		/* never keep the private key around */
		if (!strcmp(l, "private_key"))
			explicit_bzero(eq + 1, strlen(eq + 1));
		get_line(ret, l, eq + 1);
	}
	return r;
}
