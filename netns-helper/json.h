/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * json.h - the one JSON helper the reports need (report.c, and the parts
 * of status a network kind prints): a string, quoted and escaped.
 */
#ifndef PN_JSON_H
#define PN_JSON_H

#include <stdio.h>

/* json_str() - print @s as a JSON string. */
static inline void json_str(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

#endif
