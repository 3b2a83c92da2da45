# SPDX-License-Identifier: GPL-2.0-or-later
#
# realhost.sh - sourced by the real-stack tests after lib.sh, inside the
# sandbox: a throwaway root laid out as a Debian 12 host is, so that the
# distribution's own PAM files, setuid su and sudo and a stock sshd run
# against the installed module.
#
#   realhost_setup    overlays over /etc /usr /var /home /root (upper
#                     layers on the sandbox's tmpfs: nothing of the host
#                     changes; the sandbox's /run is private already, with
#                     /run/netns a plain directory), `make install`, real
#                     users with
#                     passwords, the policy below, and the real
#                     `pam-auth-update --enable netns`
#   realhost_sshd     the stock sshd_config on 127.0.0.1:2222
#   RSSH USER CMD     ssh with the users' key
#   pw USER           USER's password
#   in_ns/host_ino    what a login prints, and the host's netns inode
#   realhost_done     stop sshd, shared namespaces down, checks
#
# Users: pnconf (isolated "offline", user scope), pnteam1 and pnteam2
# (group pnteam, isolated "team", shared scope), pnhost (host network,
# an ordinary sudoer), pndeny (refused by policy), pndns (nat "lab" with
# its own DNS server, session scope), root (host).

RH=$PN_SANDBOX_DIR/realhost
RH_POLICY='networks = {
  offline = { type = "isolated"; };
  team = { type = "isolated"; };
  lab = { type = "nat"; pool = "10.213.0.0/16"; dns = [ "192.0.2.53" ]; };
};
rules = (
  { user = "root"; network = "host"; },
  { user = "pnhost"; network = "host"; },
  { user = "pnconf"; network = "offline"; scope = "user"; },
  { group = "pnteam"; network = "team"; scope = "shared"; },
  { user = "pndeny"; network = "deny"; },
  { user = "pndns"; network = "lab"; scope = "session"; },
);
default = "host";'

pw() {
	echo "pw-$1-7Q"
}

overlay() {	# overlay DIR: a copy-on-write DIR
	local d=$1 n=${1//\//_}
	mkdir -p "$RH/$n/u" "$RH/$n/w"
	mount -t overlay "pn-$n" -o "lowerdir=$d,upperdir=$RH/$n/u,workdir=$RH/$n/w" "$d"
}

realhost_setup() {
	local d u
	mkdir -p "$RH"
	for d in /etc /usr /var /home /root; do overlay "$d"; done
	# the sandbox's /etc/netns tmpfs is under the /etc overlay now
	mount -t tmpfs -o mode=0755 pn-sandbox /etc/netns
	make --no-print-directory -s -C "$ROOT" B="$B" install >/dev/null
	groupadd pnteam
	for u in pnconf pnteam1 pnteam2 pnhost pndeny pndns; do
		useradd -m -s /bin/bash "$u"
		printf '%s:%s\n' "$u" "$(pw "$u")" | chpasswd
	done
	printf 'root:%s\n' "$(pw root)" | chpasswd
	usermod -aG pnteam pnteam1
	usermod -aG pnteam pnteam2
	usermod -aG sudo pnhost
	usermod -aG sudo pnteam1
	printf '%s\n' "$RH_POLICY" > /etc/security/pam_netns.conf
	DEBIAN_FRONTEND=noninteractive pam-auth-update --enable netns
	HOST_INO=$(stat -L -c %i /proc/self/ns/net)
}

realhost_sshd() {
	local u h
	ssh-keygen -q -t ed25519 -N '' -f "$RH/host_key"
	ssh-keygen -q -t ed25519 -N '' -f "$RH/user_key"
	for u in root pnconf pnteam1 pnhost pndeny; do
		h=$(getent passwd "$u" | cut -d: -f6)
		install -d -m 0700 -o "$u" -g "$(id -gn "$u")" "$h/.ssh"
		install -m 0600 -o "$u" -g "$(id -gn "$u")" "$RH/user_key.pub" \
			"$h/.ssh/authorized_keys"
	done
	# the distribution's sshd_config; only where it listens and its keys
	/usr/sbin/sshd -o ListenAddress=127.0.0.1:2222 -o HostKey="$RH/host_key" \
		-o PidFile="$RH/sshd.pid" -E "$RH/sshd.log"
	wait_until '[ -s "$RH/sshd.pid" ]'
	track "$(cat "$RH/sshd.pid")"
}

RSSH() {
	local u=$1
	shift
	ssh -i "$RH/user_key" -p 2222 -o BatchMode=yes -o StrictHostKeyChecking=no \
		-o UserKnownHostsFile=/dev/null -o LogLevel=ERROR "$u@127.0.0.1" "$@"
}

# What a login prints about where it runs: KEY=VALUE lines.
SHOW='echo "who=$(id -un)"; echo "ino=$(stat -L -c %i /proc/self/ns/net)";
echo "ifs=$(ls /sys/class/net | tr "\n" " ")"'

# records: the open session records
records() {
	find /run/pam_netns/sessions -mindepth 1 2>/dev/null | wc -l
}

realhost_done() {
	[ -s "$RH/sshd.pid" ] && kill "$(cat "$RH/sshd.pid")" 2>/dev/null
	"$HELPER" down team >/dev/null 2>&1 || true
	is "$(ls -A /run/netns | grep -vx wan)" "" "no namespace left in the plain /run/netns"
	is "$(records)" 0 "no session record left"
	sandbox_clean
}
