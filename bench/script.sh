#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
#
# script.sh N - the baseline: what a pam_exec script does for a nat
# session, with ip and nft commands. Per session: a named namespace, a
# veth pair with the peer born inside, an IPv4 /31 and an IPv6 /64 on both
# ends, lo and both ends up, default routes inside, and one masquerade
# rule for the session's address (the handle kept for the teardown). All N
# are made, then all N torn down, like the other benchmarks.
#
# Prints "script_open USEC" and "script_close USEC" per session. The clock
# is bash's $EPOCHREALTIME: reading it forks nothing. Only inside the
# bench sandbox (bench/run.sh), which also deletes the table.
set -euo pipefail

n=${1:?usage: script.sh N}
table="ip bench_script"
handles=()

usec() {	# usec START: microseconds since START ($EPOCHREALTIME)
	local now=${EPOCHREALTIME/./} start=${1/./}
	echo $((now - start))
}

up() {
	local i=$1 ns=bsc$1 h=bsc$1 h4 n4 h6 n6 out
	h4=10.202.$((i * 2 / 256)).$((i * 2 % 256))
	n4=10.202.$(((i * 2 + 1) / 256)).$(((i * 2 + 1) % 256))
	h6=fd6e:7502:0:$(printf %x "$i")::1
	n6=fd6e:7502:0:$(printf %x "$i")::2
	ip netns add "$ns"
	ip link add "$h" type veth peer name eth0 netns "$ns"
	ip addr add "$h4/31" dev "$h"
	ip -6 addr add "$h6/64" dev "$h" nodad
	ip link set "$h" up
	ip -n "$ns" link set lo up
	ip -n "$ns" addr add "$n4/31" dev eth0
	ip -n "$ns" -6 addr add "$n6/64" dev eth0 nodad
	ip -n "$ns" link set eth0 up
	ip -n "$ns" route add default via "$h4"
	ip -n "$ns" -6 route add default via "$h6"
	out=$(nft -e -a add rule $table post ip saddr "$n4" masquerade)
	handles[i]=${out##*handle }
}

down() {
	local i=$1
	nft delete rule $table post handle "${handles[i]}"
	ip link del "bsc$i"
	ip netns del "bsc$i"
}

nft add table $table
nft add chain $table post '{ type nat hook postrouting priority 100; }'
for ((i = 0; i < n; i++)); do
	t=$EPOCHREALTIME
	up "$i"
	echo "script_open $(usec "$t")"
done
for ((i = 0; i < n; i++)); do
	t=$EPOCHREALTIME
	down "$i"
	echo "script_close $(usec "$t")"
done
nft delete table $table
