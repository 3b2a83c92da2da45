/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * log.h - netns-helper's logging: level macros onto stderr, in the shape of
 * passt's log.h. Pure code (conf, policy, names, cidr) never logs; it fills
 * an error buffer and lets the caller decide.
 */
#ifndef PN_LOG_H
#define PN_LOG_H

enum log_level { LOG_LVL_ERR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

extern int log_verbosity;	/* messages above this level are dropped */

void log_msg(enum log_level lvl, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
__attribute__((noreturn, format(printf, 2, 3)))
void die(int code, const char *fmt, ...);

#define err(...)   log_msg(LOG_LVL_ERR, __VA_ARGS__)
#define warn(...)  log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define info(...)  log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)

#endif
