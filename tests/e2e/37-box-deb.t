#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The Debian package, for real: `make deb` builds libpam-netns, lintian
# finds nothing at its default level, and under a real systemd and dpkg
# (../shared/tools/systemd-box) `apt install ./libpam-netns_*.deb`
# changes no login by itself, confines a user once a policy says so and
# the profile is enabled, and `apt purge` leaves nothing of it behind.
. "$(dirname "$0")/../lib.sh"
needs_root
. "$TESTS_DIR/e2e/box.sh"

ok "make deb builds the package" make -s -C "$ROOT" B="$B" deb
deb=$(ls "$B"/deb/libpam-netns_*.deb 2>/dev/null | head -n1)
ok "libpam-netns_*.deb is there" test -f "$deb"
is "$(lintian "$B"/deb/*.changes 2>&1 | grep -v 'running with root privileges')" "" \
	"lintian: no error and no warning"
like "$(dpkg-deb -f "$deb" Depends)" "libpam-runtime" "it depends on libpam-runtime (pam-auth-update)"
is "$(dpkg-deb --fsys-tarfile "$deb" | tar -xO ./etc/security/pam_netns.conf | grep -v '^#' | tr -d '\n ')" \
	'networks={};rules=();default="host";' "the shipped policy confines nobody"

box_start pnd --bind-ro "$B/deb"
login() {	# login: where alice's ssh login runs, "host" or "confined"
	local ino
	ino=$(inbox ssh -i /root/k/key -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR alice@127.0.0.1 \
		'stat -L -c %i /proc/self/ns/net' 2>&1)
	if [ "$ino" = "$box_ino" ]; then echo host
	elif [ -n "$ino" ] && [ "$ino" -gt 0 ] 2>/dev/null; then echo confined
	else echo "failed: $ino"
	fi
}

# a policy-rc.d of the machine the box copies would keep the timer off
inbox rm -f /usr/sbin/policy-rc.d
# the box's own apt timers may hold dpkg's lock a moment after its boot
APT="DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300"
out=$(inbox sh -c "$APT install -y --no-install-recommends $deb 2>&1"); rc=$?
is "$rc" 0 "apt install ./libpam-netns_*.deb in the box"
[ "$rc" = 0 ] || printf '%s\n' "$out" | tail -n 20 | sed 's/^/# /'
inbox dpkg -L libpam-netns > "$B/deb/files.txt"
ok "the module is in the multiarch security dir" grep -q "^/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/security/pam_netns.so$" "$B/deb/files.txt"
is "$(inbox sh -c 'grep -l pam_netns /etc/pam.d/* || true')" "" "the profile is registered, not enabled"
ok "the profile is there" inbox test -f /usr/share/pam-configs/netns
is "$(inbox systemctl is-enabled netns-helper-gc.timer)" enabled "the gc timer is enabled"
is "$(inbox systemctl is-active netns-helper-gc.timer)" active "and running"
is "$(inbox sh -c 'systemctl list-units --all --no-legend "netns-helper@*" | wc -l')" 0 "no netns-helper@ instance"

inbox sh -c 'useradd -m -s /bin/bash alice && mkdir -p /root/k &&
	ssh-keygen -q -t ed25519 -N "" -f /root/k/key &&
	install -d -m 700 -o alice -g alice ~alice/.ssh &&
	install -m 600 -o alice -g alice /root/k/key.pub ~alice/.ssh/authorized_keys'
box_ino=$(inbox stat -L -c %i /proc/1/ns/net)
is "$(login)" host "installed: alice's login is unchanged"
inbox sh -c 'DEBIAN_FRONTEND=noninteractive pam-auth-update --enable netns'
is "$(login)" host "profile enabled, shipped policy: still unchanged"
inbox sh -c 'cat > /etc/security/pam_netns.conf' <<'EOT'
networks = { offline = { type = "isolated"; }; };
rules = ( { user = "alice"; network = "offline"; scope = "user"; } );
default = "host";
EOT
is "$(login)" confined "a policy for alice: her ssh login is confined"
inbox sh -c 'DEBIAN_FRONTEND=noninteractive pam-auth-update --disable netns'
is "$(login)" host "profile disabled: on the host again"

# alice's namespace goes after her logout's close was answered
ok "alice's namespace went with her logout" \
	wait_until 'inbox sh -c "[ -z \"\$(ls -A /run/pam_netns/ns 2>/dev/null)\" ]"'
out=$(inbox sh -c "$APT purge -y libpam-netns 2>&1"); rc=$?
is "$rc" 0 "apt purge libpam-netns"
[ "$rc" = 0 ] || printf '%s\n' "$out" | tail -n 20 | sed 's/^/# /'
left=$(while read -r f; do
	[ "$f" = /. ] && continue
	inbox test -f "$f" && echo "$f"
done < "$B/deb/files.txt")
is "$left" "" "none of its files is left"
is "$(inbox sh -c 'grep -rl netns /etc/pam.d /var/lib/pam || true')" "" "nothing of the profile in /etc/pam.d or /var/lib/pam"
is "$(inbox sh -c 'systemctl list-unit-files --no-legend "netns-helper*" | wc -l')" 0 "no unit left"
ok "no /etc/security/pam_netns.conf" inbox test ! -e /etc/security/pam_netns.conf
ok "no /run/pam_netns (no session open)" inbox test ! -e /run/pam_netns
is "$(inbox sh -c 'ls /etc/systemd/system/timers.target.wants | grep -c netns || true')" 0 "the timer's enable link is gone"
done_testing
