#!/bin/sh
# Runs inside a fresh network namespace (started with `unshare -n`): brings up loopback and a
# veth pair with private addresses that exist only in this namespace, so Chromium has a
# non-loopback interface to gather WebRTC candidates on, and no test traffic can leave it.
set -eu
export MESHCHAT_NETNS=1
ip link set lo up
ip link add mc0 type veth peer name mc1
ip addr add 10.213.0.1/24 dev mc0
ip addr add 10.213.0.2/24 dev mc1
ip link set mc0 up
ip link set mc1 up
# Chromium only gathers ICE candidates when the host has a default route; this one leads
# nowhere but the other end of the pair.
ip route add default dev mc0
exec "$@"
