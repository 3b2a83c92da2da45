#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
#
# deps.sh - install what building and testing pam_netns needs, on Debian,
# and only what is missing: each entry is a check and the package that
# satisfies it. Nothing is installed when every check passes, so running
# it again is instant and works offline.
set -eu

deps='
pc:libmnl             libmnl-dev
pc:libnftnl           libnftnl-dev
pc:libcap             libcap-dev
pc:libconfig          libconfig-dev
pc:pam                libpam0g-dev
cmd:pkg-config        pkg-config
cmd:cc                gcc
cmd:make              make
cmd:ip                iproute2
cmd:nft               nftables
cmd:jq                jq
cmd:prove             perl
cmd:unshare           util-linux
cmd:sysctl            procps
cmd:pamtester         pamtester
cmd:sshd              openssh-server
cmd:ssh               openssh-client
cmd:ssh-keygen        openssh-client
cmd:su                util-linux
cmd:sudo              sudo
cmd:systemd-nspawn    systemd-container
cmd:dpkg-buildpackage dpkg-dev
cmd:dh                debhelper
cmd:lintian           lintian
cmd:clang             clang
file:/usr/lib/llvm-14/lib/clang/14.0.6/lib/linux/libclang_rt.fuzzer-x86_64.a libclang-rt-14-dev
cmd:valgrind          valgrind
cmd:man               man-db
cmd:groff             groff-base
cmd:wireguard-go      wireguard-go
cmd:openvpn           openvpn
cmd:openssl           openssl
cmd:wg                wireguard-tools
cmd:iperf3            iperf3
cmd:strace            strace
cmd:busybox           busybox
cmd:dnsmasq           dnsmasq-base
file:/lib/x86_64-linux-gnu/security/pam_newnet.so libpam-net
'

missing=
check() {
	case "$1" in
	pc:*)   pkg-config --exists "${1#pc:}" 2>/dev/null ;;
	cmd:*)  command -v "${1#cmd:}" >/dev/null 2>&1 ||
		[ -x "/usr/sbin/${1#cmd:}" ] || [ -x "/sbin/${1#cmd:}" ] ;;
	file:*) [ -e "${1#file:}" ] ;;
	esac
}

echo "$deps" | {
	while read -r what pkg; do
		[ -n "$what" ] || continue
		check "$what" || missing="$missing $pkg"
	done
	[ -n "$missing" ] || exit 0
	# shellcheck disable=SC2086
	missing=$(printf '%s\n' $missing | sort -u | tr '\n' ' ')
	if [ "$(id -u)" != 0 ]; then
		echo "deps.sh: missing packages: $missing(run as root to install them)" >&2
		exit 1
	fi
	echo "deps.sh: installing$missing" | sed 's/  */ /g'
	export DEBIAN_FRONTEND=noninteractive
	# Packages such as openssh-server start their daemon on install: the
	# tests start their own sshd in a sandbox, so keep the host's off.
	rc_made=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		rc_made=1
	fi
	rc=0
	apt-get update -qq || rc=$?
	# shellcheck disable=SC2086
	[ $rc != 0 ] || apt-get install -y -qq --no-install-recommends $missing >/dev/null || rc=$?
	[ -z "$rc_made" ] || rm -f /usr/sbin/policy-rc.d
	exit $rc
}
