/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sigdfl.h - every signal back to its default disposition, before an
 * exec or right after one. Shared by the helper and the module.
 *
 * glibc's sigaction() refuses the two signals it keeps for itself (32
 * and 33: thread cancellation, setxid), yet a caller may have them
 * ignored (GNU make does, for everything it runs), and SIG_IGN survives
 * exec. The kernel's rt_sigaction takes them. An all-zero kernel
 * sigaction is SIG_DFL, no flags and an empty mask on every architecture,
 * whatever the order of its fields. System calls only: safe in a vfork
 * child.
 */
#ifndef PN_SIGDFL_H
#define PN_SIGDFL_H

#include <signal.h>
#include <sys/syscall.h>
#include <unistd.h>

static inline void sig_default_all(void)
{
	/* larger than the kernel's struct sigaction anywhere */
	static const unsigned long zero[16];

	for (int s = 1; s < NSIG; s++)
		if (s != SIGKILL && s != SIGSTOP)
			(void)syscall(SYS_rt_sigaction, s, zero, NULL,
				      (NSIG - 1) / 8);
}

#endif
