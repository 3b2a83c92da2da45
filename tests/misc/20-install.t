#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make install into a DESTDIR puts down exactly the expected tree, never
# overwrites an existing policy file, and make uninstall removes what
# install put down (and leaves the policy).
. "$(dirname "$0")/../lib.sh"

d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mk() { make -s -C "$ROOT" B="$B" DESTDIR="$d" SECUREDIR=/lib/security "$@" >/dev/null 2>&1; }

ok "make install into a DESTDIR" mk install
want='etc/security/pam_netns.conf
lib/security/pam_netns.so
lib/systemd/system/netns-helper-gc.service
lib/systemd/system/netns-helper-gc.timer
lib/systemd/system/netns-helper@.service
usr/sbin/netns-helper
usr/share/doc/pam_netns/examples/pam.d/login
usr/share/doc/pam_netns/examples/pam.d/sshd
usr/share/doc/pam_netns/examples/pam.d/su
usr/share/doc/pam_netns/examples/pam.d/systemd-user
usr/share/doc/pam_netns/examples/pam_netns.conf
usr/share/man/man5/pam_netns.conf.5
usr/share/man/man8/netns-helper.8
usr/share/man/man8/pam_netns.8
usr/share/pam-configs/netns'
is "$(cd "$d" && find . -type f | sed 's|^\./||' | sort)" "$want" "the installed tree"
is "$(stat -c %a "$d/usr/sbin/netns-helper")" 755 "the helper is 0755, not setuid"
like "$(grep ExecStart "$d/lib/systemd/system/netns-helper@.service")" "^ExecStart=/usr/sbin/netns-helper up %i$" "the unit names the installed helper"
like "$(cat "$d/usr/share/pam-configs/netns")" "Default: no" "the pam-auth-update profile is off by default"
echo "# mine" > "$d/etc/security/pam_netns.conf"
ok "install again" mk install
is "$(cat "$d/etc/security/pam_netns.conf")" "# mine" "an existing policy file is never overwritten"
ok "make uninstall" mk uninstall
is "$(cd "$d" && find . -type f | sed 's|^\./||' | sort)" "etc/security/pam_netns.conf" "uninstall leaves only the policy file"
done_testing
