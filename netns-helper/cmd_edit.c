// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_edit.c - `edit [FILE]`, the policy's visudo: the administrator edits
 * a copy of the main file or of one drop-in, and only a copy that passes
 * `check` together with the other files replaces the file, in one
 * rename(), so that a login never reads a half-written or invalid policy.
 *
 * Theory of operation:
 *  1. The policy is read after the loader's own checks: the main file (one
 *     that is not there yet reads as empty when it is the one edited) and
 *     every drop-in (a new one reads as empty; its directory is made, mode
 *     0755, when there is none). The edited file is copied to
 *     PATH.XXXXXX in its directory (mkostemp: O_EXCL, 0600, root's), a
 *     name no loader reads.
 *  2. The editor, $VISUAL, else $EDITOR, else sensible-editor, else vi,
 *     runs on the copy through /bin/sh with the environment the helper
 *     was started with (caps_sanitize() cleared the helper's own).
 *  3. A copy equal to the file changes nothing. Otherwise it is parsed
 *     under the file's name, with the other files as they were read, and
 *     checked against the host as `check` does
 *     (check.h): errors send the administrator back to the editor when
 *     standard input is a terminal, and refuse the copy when it is not.
 *  4. A valid copy gets the file's owner and mode (root:root 0644 for a
 *     new file), is synced, and renamed over the file; the directory is
 *     synced too.
 * The copy never outlives the verb: it is removed on every way out, also
 * on SIGINT, SIGQUIT, SIGTERM and SIGHUP. While the editor runs, the
 * terminal's SIGINT and SIGQUIT are the editor's business; SIGTERM and
 * SIGHUP are passed on to it, and the copy is removed once it exited.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "child.h"
#include "cmds.h"
#include "log.h"
#include "util.h"

#define EDITOR_MAX	1024	/* bytes of $VISUAL or $EDITOR */

static const int caught[] = { SIGINT, SIGQUIT, SIGTERM, SIGHUP };

/*
 * What the signal handler needs; set with the signals blocked. Globals,
 * because a handler gets nothing else: it has to remove the copy the
 * moment a signal arrives, whatever the verb is doing then (checking,
 * writing, waiting for the editor), which a signalfd read at set points
 * could not do, and pass SIGTERM/SIGHUP on to a running editor.
 */
static char tmp_path[PATH_MAX];		/* "" when there is no copy */
static volatile pid_t editor_pid;
static volatile sig_atomic_t got_signal;

static void on_signal(int sig)
{
	if (editor_pid > 0) {
		got_signal = sig;
		(void)kill(editor_pid, sig);
		return;
	}
	if (*tmp_path)
		(void)unlink(tmp_path);
	(void)signal(sig, SIG_DFL);
	(void)raise(sig);
}

static void block_signals(bool block)
{
	sigset_t set;

	sigemptyset(&set);
	for (size_t i = 0; i < ARRAY_SIZE(caught); i++)
		sigaddset(&set, caught[i]);
	(void)sigprocmask(block ? SIG_BLOCK : SIG_UNBLOCK, &set, NULL);
}

static void handle_signals(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	sigfillset(&sa.sa_mask);
	for (size_t i = 0; i < ARRAY_SIZE(caught); i++)
		(void)sigaction(caught[i], &sa, NULL);
}

static void remove_copy(void)
{
	block_signals(true);
	if (*tmp_path)
		(void)unlink(tmp_path);
	*tmp_path = '\0';
	block_signals(false);
}

/* ---- the editor ----------------------------------------------------- */

static bool blank(const char *s)
{
	return s[strspn(s, " \t")] == '\0';
}

/* An editor variable: unset or blank -> NULL; 0 or -EINVAL. */
static int editor_var(char **env, const char *key, const char **ret)
{
	const char *v = env_get(env, key);

	*ret = NULL;
	if (!v || blank(v))
		return 0;
	if (strlen(v) > EDITOR_MAX) {
		err("edit: $%s is longer than %d bytes", key, EDITOR_MAX);
		return -EINVAL;
	}
	for (const char *p = v; *p; p++)
		if (((unsigned char)*p < ' ' && *p != '\t') || *p == 0x7f) {
			err("edit: $%s contains a control character", key);
			return -EINVAL;
		}
	*ret = v;
	return 0;
}

#define EDITOR_PATH_MAX	64	/* ".../sensible-editor" */

/* $VISUAL, $EDITOR, sensible-editor where the helper's PATH has it
 * (its path written to @path), vi. */
static int find_editor(char **env, char path[EDITOR_PATH_MAX],
		       const char **ret)
{
	static const char *const dirs[] = { "/usr/sbin", "/usr/bin", "/sbin",
					    "/bin" };
	int r = editor_var(env, "VISUAL", ret);

	if (r || *ret)
		return r;
	r = editor_var(env, "EDITOR", ret);
	if (r || *ret)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		snprintf(path, EDITOR_PATH_MAX, "%s/sensible-editor", dirs[i]);
		if (!access(path, X_OK)) {
			*ret = path;
			return 0;
		}
	}
	*ret = "vi";
	return 0;
}

/* As git runs it, the command may carry arguments (the file is "$@");
 * exec, so that a signal passed on reaches the editor, not the shell.
 * The child keeps the terminal and the helper's capabilities. */
__attribute__((noreturn))
static void exec_editor(const char *script, const char *editor,
			const char *file, char **env)
{
	char *const argv[] = { "/bin/sh", "-c", (char *)script,
			       (char *)editor, (char *)file, NULL };

	child_exec(NULL, 0, argv[0], argv, env);
}

/* Wait for the editor; the terminal's SIGINT and SIGQUIT are its own. */
static int wait_editor(pid_t pid, const char *editor)
{
	int st = 0, w = child_wait(pid, -1, &st);

	block_signals(true);
	editor_pid = 0;
	(void)signal(SIGINT, on_signal);
	(void)signal(SIGQUIT, on_signal);
	if (got_signal) {	/* SIGTERM or SIGHUP while it ran */
		if (*tmp_path)
			(void)unlink(tmp_path);
		(void)signal(got_signal, SIG_DFL);
		(void)raise(got_signal);
	}
	block_signals(false);
	if (w < 0) {
		err("edit: waiting for the editor: %s", strerror(-w));
		return -ECHILD;
	}
	if (WIFSIGNALED(st))
		err("edit: the editor (%s) was killed by signal %d", editor,
		    WTERMSIG(st));
	else if (WEXITSTATUS(st))
		err("edit: the editor (%s) exited with status %d", editor,
		    WEXITSTATUS(st));
	return WIFEXITED(st) && !WEXITSTATUS(st) ? 0 : -ECANCELED;
}

static int run_editor(const char *editor, char **env)
{
	char script[EDITOR_MAX + 16];
	pid_t pid;
	int r;

	snprintf(script, sizeof(script), "exec %s \"$@\"", editor);
	block_signals(true);
	pid = child_start(&(struct child_opts){ .inherit_stdio = true });
	if (pid == 0)
		exec_editor(script, editor, tmp_path, env);
	if (pid > 0) {
		editor_pid = pid;
		(void)signal(SIGINT, SIG_IGN);
		(void)signal(SIGQUIT, SIG_IGN);
	}
	r = pid < 0 ? (int)pid : 0;
	block_signals(false);
	if (r) {
		err("edit: cannot start the editor: %s", strerror(-r));
		return r;
	}
	return wait_editor(pid, editor);
}

/* ---- the file and its copy ------------------------------------------ */

struct policy_file {
	char path[PATH_MAX];	/* the file edited */
	bool dropin;
	bool made_dir;		/* the drop-in directory was made for it */
	char dir[PATH_MAX];	/* the drop-in directory */
	struct conf_file *files;	/* the policy as read, @path among them */
	size_t n, target;	/* files[target] is @path: its text as it was,
				 * NULL when there was no file */
	mode_t mode;
	gid_t gid;
};

/*
 * Which file: none or the policy file's own path is the main file; a
 * drop-in is named by its name or its path in the drop-in directory.
 * Return: 0, or an exit code
 */
static int pick_file(struct policy_file *f, const char *main_path,
		     const char *arg)
{
	const char *name = arg, *slash = arg ? strrchr(arg, '/') : NULL;
	size_t dlen;

	if (conf_dropin_dir(main_path, f->dir, sizeof(f->dir)) ||
	    strlcpy_checked(f->path, arg ?: main_path, sizeof(f->path))) {
		err("edit: %s: %s", arg ?: main_path, strerror(ENAMETOOLONG));
		return EXIT_USAGE;
	}
	if (!arg || !strcmp(arg, main_path))
		return 0;
	dlen = strlen(f->dir);
	if (slash) {
		name = slash + 1;
		if ((size_t)(slash - arg) != dlen || strncmp(arg, f->dir, dlen)) {
			err("edit: %s is neither the policy file %s nor a "
			    "drop-in of %s/", arg, main_path, f->dir);
			return EXIT_USAGE;
		}
	}
	if (!conf_dropin_name(name)) {
		err("edit: '%s': a drop-in is read only when its name ends in "
		    "\".conf\" and does not start with '.'", name);
		return EXIT_USAGE;
	}
	f->dropin = true;
	if (snprintf(f->path, sizeof(f->path), "%s/%s", f->dir, name) >=
	    (int)sizeof(f->path)) {
		err("edit: %s/%s: %s", f->dir, name, strerror(ENAMETOOLONG));
		return EXIT_USAGE;
	}
	return 0;
}

/* A drop-in may be the directory's first: make it (root's, 0755). */
static int make_dropin_dir(struct policy_file *f)
{
	if (!f->dropin || !mkdir(f->dir, 0755)) {
		f->made_dir = f->dropin;
		return 0;
	}
	if (errno == EEXIST)
		return 0;
	err("edit: cannot make %s: %s", f->dir, strerror(errno));
	return EXIT_FAIL;
}

/* The edited file's place among the files read; a new drop-in gets the
 * place its name sorts to. */
static int place_target(struct policy_file *f)
{
	struct conf_file *v;
	size_t i = 1;

	for (; i < f->n; i++) {
		int cmp = strcmp(f->files[i].path, f->path);

		if (!cmp) {
			f->target = i;
			return 0;
		}
		if (cmp > 0)
			break;
	}
	v = realloc(f->files, (f->n + 1) * sizeof(*v));
	if (!v) {
		err("edit: %s", strerror(ENOMEM));
		return EXIT_FAIL;
	}
	memmove(v + i + 1, v + i, (f->n - i) * sizeof(*v));
	memset(&v[i], 0, sizeof(v[i]));
	snprintf(v[i].path, sizeof(v[i].path), "%s", f->path);
	f->files = v;
	f->n++;
	f->target = i;
	return 0;
}

/* The edited file's owner group and mode; 0644 root for a new one. */
static void take_mode(struct policy_file *f)
{
	struct stat st;

	f->mode = 0644;
	f->gid = 0;
	if (f->files[f->target].text && !lstat(f->path, &st)) {
		f->mode = st.st_mode & 07777;
		f->gid = st.st_gid;
	}
}

/*
 * The policy as it is, after the loader's checks: the main file (none
 * reads as empty when it is the file edited) and the drop-ins.
 * Return: 0, or an exit code
 */
static int read_original(struct policy_file *f, const char *main_path)
{
	char e[CONF_ERR_MAX];
	struct conf_file *drop = NULL;
	size_t n = 0;
	int r;

	f->files = calloc(1, sizeof(*f->files));
	if (!f->files) {
		err("edit: %s", strerror(ENOMEM));
		return EXIT_FAIL;
	}
	f->n = 1;
	r = conf_read_file(main_path, &f->files[0], e, sizeof(e));
	if (r == -ENOENT && !f->dropin)
		r = 0;
	else if (r == -ENOENT)
		snprintf(e + strlen(e), sizeof(e) - strlen(e), ": a drop-in "
			 "is read only with the policy file");
	if (!r && make_dropin_dir(f))
		return EXIT_FAIL;
	if (!r)
		r = conf_read_dropins(main_path, &drop, &n, e, sizeof(e));
	if (r) {
		err("%s", e);
		return EXIT_CONFIG;
	}
	if (n) {
		struct conf_file *v = realloc(f->files, (n + 1) * sizeof(*v));

		if (!v) {
			conf_files_free(drop, n);
			err("edit: %s", strerror(ENOMEM));
			return EXIT_FAIL;
		}
		memcpy(v + 1, drop, n * sizeof(*drop));
		free(drop);
		f->files = v;
		f->n += n;
	}
	r = f->dropin ? place_target(f) : 0;
	if (!r)
		take_mode(f);
	return r;
}

static int write_all(int fd, const char *s, size_t len)
{
	while (len) {
		ssize_t n = write(fd, s, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		s += n;
		len -= (size_t)n;
	}
	return 0;
}

/* PATH.XXXXXX next to the file, with its text. */
static int make_copy(const struct policy_file *f)
{
	const struct conf_file *orig = &f->files[f->target];
	char tmpl[PATH_MAX];
	_cleanup_close_ int fd = -1;
	int r;

	if (snprintf(tmpl, sizeof(tmpl), "%s.XXXXXX", f->path) >=
	    (int)sizeof(tmpl)) {
		err("edit: %s: %s", f->path, strerror(ENAMETOOLONG));
		return -ENAMETOOLONG;
	}
	block_signals(true);
	fd = mkostemp(tmpl, O_CLOEXEC);
	r = fd < 0 ? -errno : 0;
	if (!r)
		memcpy(tmp_path, tmpl, sizeof(tmp_path));
	block_signals(false);
	if (r) {
		err("edit: cannot make a copy next to %s: %s", f->path,
		    strerror(-r));
		return r;
	}
	r = orig->text ? write_all(fd, orig->text, orig->len) : 0;
	if (r)
		err("edit: %s: cannot write: %s", tmp_path, strerror(-r));
	return r;
}

/* The policy with the copy's @text for the edited file, parsed and held
 * against the host. Return: 0 valid, -EINVAL invalid, or -ENOMEM */
static int check_policy(const struct policy_file *f, char *text, size_t len)
{
	_cleanup_free_ struct conf_file *v = malloc(f->n * sizeof(*v));
	char e[CONF_ERR_MAX];
	struct conf *c = NULL;
	int r;

	if (!v)
		return -ENOMEM;
	memcpy(v, f->files, f->n * sizeof(*v));
	v[f->target].text = text;
	v[f->target].len = len;
	r = conf_parse_files(v, f->n, &c, e, sizeof(e));
	if (r)
		err("%s", e);
	if (!r && check_host(c))
		r = -EINVAL;
	conf_free(c);
	return r;
}

/*
 * The copy as the editor left it, checked as the loader checks a policy
 * file, parsed under the file's name with the other files and held
 * against the host.
 * Return: 0 valid, -EINVAL invalid, 1 unchanged, or -errno
 */
static int check_copy(const struct policy_file *f, int *ret_fd)
{
	const struct conf_file *orig = &f->files[f->target];
	char e[CONF_ERR_MAX];
	_cleanup_free_ char *text = NULL;
	_cleanup_close_ int fd = -1;
	size_t len = 0;
	int r = conf_check_file(tmp_path, CONF_MAX_SIZE, &fd, e, sizeof(e));

	if (r) {
		err("%s", e);
		return -EINVAL;
	}
	r = conf_read_all(fd, CONF_MAX_SIZE, &text, &len);
	if (r) {
		err("edit: %s: cannot read: %s", tmp_path, strerror(-r));
		return -EINVAL;
	}
	if (len == orig->len && (!len || !memcmp(text, orig->text, len)))
		return 1;
	r = check_policy(f, text, len);
	if (!r)
		*ret_fd = steal_fd(&fd);
	return r;
}

/* The copy, with the file's owner and mode, replaces the file. */
static int install(const struct policy_file *f, int fd)
{
	_cleanup_close_ int dir = -1;
	char d[PATH_MAX];
	int r = 0;

	if (fchown(fd, 0, f->gid) || fchmod(fd, f->mode) || fsync(fd)) {
		r = -errno;
		err("edit: %s: %s", tmp_path, strerror(-r));
		return r;
	}
	block_signals(true);
	if (rename(tmp_path, f->path))
		r = -errno;
	else
		*tmp_path = '\0';
	block_signals(false);
	if (r) {
		err("edit: cannot replace %s: %s", f->path, strerror(-r));
		return r;
	}
	snprintf(d, sizeof(d), "%s", f->path);
	*strrchr(d, '/') = '\0';
	dir = open(*d ? d : "/", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0 || fsync(dir))
		warn("edit: cannot sync %s: %s, ignoring", *d ? d : "/",
		     strerror(errno));
	return 0;
}

/* Ask on the terminal: true to edit again, false to give up. */
static bool edit_again(void)
{
	char line[64];

	for (;;) {
		fprintf(stderr, "What now? (e)dit again, e(x)it without "
			"saving: ");
		fflush(stderr);
		if (!fgets(line, sizeof(line), stdin))
			return false;
		if (line[0] == 'e' && (line[1] == '\n' || !line[1]))
			return true;
		if (line[0] == 'x' && (line[1] == '\n' || !line[1]))
			return false;
	}
}

static int edit_loop(const struct policy_file *f, const char *editor,
		     char **env)
{
	for (;;) {
		int fd = -1, r = run_editor(editor, env);

		if (r)
			return EXIT_FAIL;
		r = check_copy(f, &fd);
		if (r == 1) {
			info("%s: unchanged", f->path);
			return EXIT_OK;
		}
		if (!r) {
			r = install(f, fd);
			(void)close(fd);
			if (r)
				return EXIT_FAIL;
			info("%s: installed", f->path);
			return EXIT_OK;
		}
		if (r != -EINVAL)
			return EXIT_FAIL;
		if (!isatty(STDIN_FILENO) || !edit_again()) {
			err("%s: unchanged: the edited version is invalid",
			    f->path);
			return EXIT_CONFIG;
		}
	}
}

static void policy_file_free(struct policy_file *f)
{
	conf_files_free(f->files, f->n);
	/* a directory made for a drop-in that was not installed (it stays
	 * once it holds one) */
	if (f->made_dir)
		(void)rmdir(f->dir);
}

int cmd_edit(struct ctx *ctx, int argc, char **argv)
{
	struct policy_file f = { 0 };
	const char *editor;
	char path[EDITOR_PATH_MAX];
	int r;

	if (argc > 2) {
		err("edit: unexpected argument '%s'", argv[2]);
		return EXIT_USAGE;
	}
	r = pick_file(&f, ctx->conf_path, argc > 1 ? argv[1] : NULL);
	if (r)
		return r;
	if (find_editor(ctx->env, path, &editor))
		return EXIT_USAGE;
	handle_signals();
	r = read_original(&f, ctx->conf_path);
	if (!r)
		r = make_copy(&f) ? EXIT_FAIL : edit_loop(&f, editor, ctx->env);
	remove_copy();
	policy_file_free(&f);
	return r;
}
