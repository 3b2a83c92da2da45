# SPDX-License-Identifier: GPL-2.0-or-later
#
# e2e.sh - sourced by tests/e2e/*.t after lib.sh, inside the sandbox:
# test users and a private PAM config, both only in the sandbox's mount
# namespace (bind mounts over /etc/passwd, /etc/group, /etc/shadow and a
# tmpfs over /etc/pam.d), so no host file changes.
#
#   e2e_users             pnuser (4201, group pnlab), pnshare (4202),
#                         pnfree (4203, not confined), homes in /mnt/home
#   pam_service NAME [ARGS...]   /etc/pam.d/NAME with pam_netns ARGS
#   MODULE                the built module;  MOD_ARGS  helper= and conf=

MODULE=$B/pam_netns.so
MOD_ARGS="helper=$HELPER conf=$PN_SANDBOX_DIR/pam_netns.conf"

e2e_users() {
	local f u
	for f in passwd group shadow; do
		cp -p "/etc/$f" "$PN_SANDBOX_DIR/$f"
	done
	mkdir -p "$PN_SANDBOX_DIR/home"
	for u in pnuser:4201 pnshare:4202 pnfree:4203; do
		echo "${u%:*}:x:${u#*:}:${u#*:}::$PN_SANDBOX_DIR/home/${u%:*}:/bin/sh" \
			>> "$PN_SANDBOX_DIR/passwd"
		echo "${u%:*}:x:${u#*:}:" >> "$PN_SANDBOX_DIR/group"
		echo "${u%:*}:*:19000:0:99999:7:::" >> "$PN_SANDBOX_DIR/shadow"
		mkdir -p "$PN_SANDBOX_DIR/home/${u%:*}"
		chown "${u#*:}:${u#*:}" "$PN_SANDBOX_DIR/home/${u%:*}"
	done
	echo "pnlab:x:4300:pnuser" >> "$PN_SANDBOX_DIR/group"
	for f in passwd group shadow; do
		mount --bind "$PN_SANDBOX_DIR/$f" "/etc/$f"
	done
	mount -t tmpfs -o mode=0755 pn-pam /etc/pam.d
	printf "auth required pam_deny.so\naccount required pam_deny.so\npassword required pam_deny.so\nsession required pam_deny.so\n" > /etc/pam.d/other
}

# pam_service NAME [MODULE ARGS...]: a stack that lets anyone in and runs
# pam_netns for the session, as a login program's would.
pam_service() {
	local name=$1
	shift
	cat > "/etc/pam.d/$name" <<EOT
auth     sufficient pam_rootok.so
auth     required   pam_permit.so
account  required   pam_permit.so
password required   pam_deny.so
session  required   $MODULE $*
session  required   pam_permit.so
EOT
}

# ino NAME: the inode of /run/netns/NAME ("" when absent)
ino() {
	stat -L -c %i "/run/netns/$1" 2>/dev/null || true
}

# driver ARGS...: tests/tools/pam-driver
driver() {
	"$B/tests/tools/pam-driver" "$@" 2>&1
}
