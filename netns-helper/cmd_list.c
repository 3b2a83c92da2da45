// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cmd_list.c - `netns-helper list [--json]`: every namespace and session
 * of this project, read from the records (report.h).
 */
#include <getopt.h>
#include <stdio.h>

#include "cmds.h"
#include "locks.h"
#include "log.h"
#include "report.h"

int cmd_list(struct ctx *ctx, int argc, char **argv)
{
	struct locks l = LOCKS_INIT;
	bool json = false;

	if (report_json_flag(argc, argv, &json) || optind != argc) {
		err("usage: list [--json]");
		return EXIT_USAGE;
	}
	if (report_begin(&l))
		return EXIT_FAIL;
	report_records(json, NULL);
	if (json)
		printf("}\n");
	locks_end(&l);
	return EXIT_OK;
}
