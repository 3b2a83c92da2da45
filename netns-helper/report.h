/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * report.h - what `list` (cmd_list.c) and `status` (cmd_status.c) share:
 * the state lock taken shared and nothing else, so neither ever makes a
 * login wait (locks.h), and the records printed as a table or as JSON.
 *
 * The JSON is an interface (netns-helper(8), JSON OUTPUT): "version" says
 * which; every key is always there, with the type documented ("" or 0 when
 * it does not apply). Keys may be added within a version; one removed,
 * renamed, or given another type or meaning makes a new version.
 */
#ifndef PN_REPORT_H
#define PN_REPORT_H

#include <stdbool.h>

#include "locks.h"

#define JSON_VERSION 1

/* report_begin() - take the state lock, shared; logs why it cannot.
 * Return: 0 or -1 */
int report_begin(struct locks *l);

/* report_json_flag() - parse the verb's only option, --json (-j). */
int report_json_flag(int argc, char **argv, bool *json);

/*
 * report_records() - print the namespaces and sessions (@only: those of
 * namespace @only; NULL: all). JSON: the object's opening part, with
 * "version", "namespaces" and "sessions"; the caller closes it.
 */
void report_records(bool json, const char *only);

#endif
