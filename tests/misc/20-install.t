#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make install into a DESTDIR puts down exactly the expected tree (with an
# empty drop-in directory), never overwrites an existing policy file, and
# make uninstall removes what install put down, leaves the policy and any
# drop-ins and says so, and refuses, removing nothing, while a PAM stack
# names the module, a unit is enabled or a namespace is left.
. "$(dirname "$0")/../lib.sh"

d=$(mktemp -d)
trap 'rm -rf "$d"' EXIT
mk() { make -s -C "$ROOT" B="$B" DESTDIR="$d" SECUREDIR=/lib/security "$@" >/dev/null 2>&1; }

ok "make install into a DESTDIR" mk install
want='etc/security/pam_netns.conf
lib/security/pam_netns.so
lib/systemd/system/netns-helper-gc.service
lib/systemd/system/netns-helper-gc.timer
lib/systemd/system/netns-helper.service
lib/systemd/system/netns-helper.socket
lib/systemd/system/netns-helper@.service
lib/systemd/system/user@.service.d/pam_netns.conf
usr/sbin/netns-helper
usr/share/doc/pam_netns/examples/dbus/pam_netns-resolve1.conf
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
is "$(stat -c '%a %F' "$d/etc/security/pam_netns.d" 2>&1)" "755 directory" "and the drop-in directory, 0755"
is "$(ls -A "$d/etc/security/pam_netns.d")" "" "  empty"
is "$(stat -c %a "$d/usr/sbin/netns-helper")" 755 "the helper is 0755, not setuid"
like "$(grep ExecStart "$d/lib/systemd/system/netns-helper@.service")" "^ExecStart=/usr/sbin/netns-helper up %i$" "the unit names the installed helper"
like "$(grep ListenSequentialPacket "$d/lib/systemd/system/netns-helper.socket")" "=/run/pam_netns/service/socket$" "the socket unit names the service's socket"
like "$(cat "$d/usr/share/pam-configs/netns")" "Default: no" "the pam-auth-update profile is off by default"
echo "# mine" > "$d/etc/security/pam_netns.conf"
ok "install again" mk install
is "$(cat "$d/etc/security/pam_netns.conf")" "# mine" "an existing policy file is never overwritten"

# refusals: each changes nothing
tree() { (cd "$d" && find . | sort); }
um() { make -s -C "$ROOT" B="$B" DESTDIR="$d" SECUREDIR=/lib/security uninstall 2>&1; }
refused() {	# refused WANT DESC
	local before out rc
	before=$(tree)
	out=$(um); rc=$?
	ok "$2: uninstall fails" test "$rc" != 0
	like "$out" "$1" "  and says why"
	is "$(tree)" "$before" "  removing nothing"
}
mkdir -p "$d/etc/pam.d"
printf '# session required pam_netns.so\n' > "$d/etc/pam.d/login"
printf 'session required\tpam_netns.so recovery_user=root\n' > "$d/etc/pam.d/common-session"
refused "refused: these PAM stacks name pam_netns.so: $d/etc/pam.d/common-session$" "a PAM stack names the module"
rm "$d/etc/pam.d/common-session"
mkdir -p "$d/etc/systemd/system/timers.target.wants"
ln -s /lib/systemd/system/netns-helper-gc.timer "$d/etc/systemd/system/timers.target.wants/"
refused "refused: these units are enabled: netns-helper-gc.timer" "the gc timer is enabled"
rm -r "$d/etc/systemd"
mkdir -p "$d/run/pam_netns/ns"
touch "$d/run/pam_netns/lock" "$d/run/pam_netns/ns/lab.alice" "$d/run/pam_netns/ns/.x.tmp"
refused "refused: namespaces of pam_netns are still there: lab.alice" "a namespace is left"
rm "$d/run/pam_netns/ns/lab.alice"

echo "# 50-lab" > "$d/etc/security/pam_netns.d/50-lab.conf"
out=$(um); rc=$?
is "$rc" 0 "make uninstall"
is "$(cd "$d" && find . -type f | sed 's|^\./||' | sort)" "etc/pam.d/login
etc/security/pam_netns.conf
etc/security/pam_netns.d/50-lab.conf" "uninstall leaves only the policy file and its drop-ins"
fails "and the records directory" test -e "$d/run/pam_netns"
like "$out" "left as they are:" "it says what it leaves"
like "$out" "  $d/etc/security/pam_netns.conf \(the policy\)" "  the policy"
like "$out" "  $d/etc/security/pam_netns.d/ \\(the drop-ins: 50-lab.conf\\)" "  and the drop-ins"
rm "$d/etc/security/pam_netns.d/50-lab.conf"
ok "install again" mk install
ok "uninstall again" mk uninstall
fails "an empty drop-in directory is removed" test -e "$d/etc/security/pam_netns.d"

# The README's Quick start says what to install first and what install
# puts down: the build dependencies are debian/control's Build-Depends
# (debhelper aside) plus the compiler and make, and it names the places.
qs=$(sed -n '/^## Quick start/,/^## /p' "$ROOT/README.md")
from_readme=$(printf '%s\n' "$qs" | sed -n 's/^ *sudo apt install \([a-z].*\)/\1/p' | head -n1 | tr ' ' '\n' | sort)
from_control=$( (sed -n '/^Build-Depends:/,/^[A-Z][A-Za-z-]*:/p' "$ROOT/debian/control" |
	sed -e '1s/^Build-Depends://' -e '$d' | tr ',' '\n' |
	sed -e 's/([^)]*)//g' -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' |
	grep -v -e '^$' -e '^debhelper-compat$'; echo gcc; echo make) | sort)
is "$from_readme" "$from_control" "the Quick start's apt line is the build dependencies"
for p in /usr/sbin /etc/security/pam_netns.conf /etc/security/pam_netns.d/ pam-auth-update; do
	like "$qs" "$p" "the Quick start names $p"
done
done_testing
