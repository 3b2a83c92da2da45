#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Under a real systemd (../shared/tools/systemd-box: systemd 252 as PID 1,
# logind, ssh.service): after `make install` and `pam-auth-update
# --enable netns`, an ssh login of a `systemd_user = true` user starts its
# user manager, in the login's namespace; the login's /sys has the
# cgroup2 mount the manager needs and the namespace's own devices (not
# the container's sysfs pieces). When the manager stops, its namespace
# goes at once (user@.service.d/pam_netns.conf starts gc), never while a
# lingering manager runs in it. A user confined for sshd only gets no
# manager on the host network. The box is started from the host, never
# from inside the test sandbox, and stopped at the end.
. "$(dirname "$0")/../lib.sh"
needs_root
. "$TESTS_DIR/e2e/box.sh"

box_start_tree pnt
box_install	# and user@.service.d/pam_netns.conf loaded
inbox sh -c 'useradd -m -s /bin/bash alice && useradd -m -s /bin/bash bob &&
	cat > /etc/security/pam_netns.conf' <<'EOT'
networks = { corp = { type = "isolated"; }; };
rules = (
  { user = "alice"; network = "corp"; scope = "user"; systemd_user = true; },
  { user = "bob"; service = "sshd"; network = "corp"; scope = "session"; },
);
default = "host";
EOT
inbox sh -c 'DEBIAN_FRONTEND=noninteractive pam-auth-update --enable netns'
inbox sh -c 'mkdir -p /root/k && ssh-keygen -q -t ed25519 -N "" -f /root/k/key &&
	install -d -m 700 -o alice -g alice ~alice/.ssh &&
	install -m 600 -o alice -g alice /root/k/key.pub ~alice/.ssh/authorized_keys &&
	install -d -m 700 -o bob -g bob ~bob/.ssh &&
	install -m 600 -o bob -g bob /root/k/key.pub ~bob/.ssh/authorized_keys'
uid=$(inbox id -u alice)
box_ino=$(inbox stat -L -c %i /proc/1/ns/net)

# One login that waits for its manager, then reports.
out=$(inbox ssh -i /root/k/key -o BatchMode=yes -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR alice@127.0.0.1 '
	echo "ino=$(stat -L -c %i /proc/self/ns/net)"
	echo "cgroup=$(findmnt -rn -o FSTYPE /sys/fs/cgroup)"
	echo "ifs=$(ls /sys/class/net | tr "\n" " ")"
	echo "manager=$(systemctl --user is-system-running --wait)"
	echo "svc=$(systemd-run --user --wait --pipe -q stat -L -c %i /proc/self/ns/net)"' 2>&1)
ino=$(kv ino "$out")
ok "alice's ssh login is confined" test -n "$ino" -a "$ino" != "$box_ino"
is "$(kv cgroup "$out")" cgroup2 "the login's /sys has /sys/fs/cgroup (cgroup2)"
is "$(kv ifs "$out")" "lo " "and /sys/class/net shows the namespace's devices only"
like "$(kv manager "$out")" '^(running|degraded)$' "alice's user manager starts"
is "$(inbox systemctl is-active "user@$uid.service")" active "user@$uid.service is active"
pid=$(inbox systemctl show -p MainPID --value "user@$uid.service")
is "$(inbox stat -L -c %i "/proc/$pid/ns/net")" "$ino" "the manager runs in alice's namespace"
is "$(kv svc "$out")" "$ino" "so does a unit it starts (systemd-run --user)"

# gone() NAME: wait until /run/netns/NAME is gone in the box (true), or
# give up after a minute (false): logind stops the manager 10 s after the
# user's last session (UserStopDelaySec)
gone() {
	inbox sh -c 'for i in $(seq 600); do [ -e "/run/netns/$1" ] || exit 0; sleep 0.1; done; exit 1' sh "$1"
}
ok "after the logout the manager stops, and alice's namespace goes with it (no gc timer)" gone corp.alice
ok "user@$uid.service is stopped" test "$(inbox systemctl is-active "user@$uid.service")" != active
ok "no session of alice is left" test -z "$(inbox /usr/sbin/netns-helper list --json | grep -o alice)"

# a lingering manager keeps the namespace: it still runs in it
inbox loginctl enable-linger alice
ok "with linger, alice's manager starts" inbox sh -c \
	'for i in $(seq 300); do systemctl -q is-active "$1" && exit 0; sleep 0.1; done; exit 1' sh "user@$uid.service"
out=$(inbox ssh -i /root/k/key -o BatchMode=yes -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR alice@127.0.0.1 'stat -L -c %i /proc/self/ns/net' 2>&1)
pid=$(inbox systemctl show -p MainPID --value "user@$uid.service")
is "$(inbox stat -L -c %i "/proc/$pid/ns/net")" "$out" "the lingering manager and a login share alice's namespace"
inbox systemctl start netns-helper-gc.service
ok "after that login and a gc, the namespace stays while the manager lingers" inbox test -e /run/netns/corp.alice
inbox loginctl disable-linger alice
ok "linger off: the manager stops and the namespace goes" gone corp.alice

# bob is confined for sshd only (session scope): his manager would be a
# way out to the host's network, so it does not start, and nothing he
# runs through systemd --user lands on the host
out=$(inbox ssh -i /root/k/key -o BatchMode=yes -o StrictHostKeyChecking=no \
	-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR bob@127.0.0.1 '
	echo "ino=$(stat -L -c %i /proc/self/ns/net)"
	systemd-run --user --wait -q stat -L -c %i /proc/self/ns/net >/dev/null 2>&1
	echo "run=$?"' 2>&1)
bino=$(kv ino "$out")
ok "bob's ssh login is confined" test -n "$bino" -a "$bino" != "$box_ino"
ok "systemd-run --user from it fails" test "$(kv run "$out")" != 0
buid=$(inbox id -u bob)
ok "user@$buid.service is not running" test "$(inbox systemctl is-active "user@$buid.service")" != active
is "$(inbox sh -c "for p in \$(pgrep -u bob); do stat -L -c %i /proc/\$p/ns/net; done | grep -cx $box_ino")" 0 \
	"no process of bob is in the host's network namespace"

done_testing
