#!/bin/sh
# Two hosts, each behind its own symmetric NAT, and a "public" segment with the servers, all in
# network namespaces this script creates (root only). Nothing here has a route off the machine:
# the public namespace's default route leads into a veth pair whose both ends stay inside it.
#
#   sh src/testing/nat-topology.sh up ID     # namespaces mcpubID, mcraID, mcrbID, mchaID, mchbID
#   sh src/testing/nat-topology.sh down ID   # ends what runs in them and deletes them (idempotent)
#
#   public segment 10.251.0.0/24 (bridge in mcpub): servers 10.251.0.10, router WANs .2 and .3
#   LAN A 10.251.1.0/24: router 10.251.1.1, host 10.251.1.2 (mcha)
#   LAN B 10.251.2.0/24: router 10.251.2.1, host 10.251.2.2 (mchb)
#
# Each router masquerades its LAN with --random-fully (a new random port per destination: a
# symmetric NAT, so hole punching fails and only a TURN relay connects the hosts) and drops UDP
# from its LAN to anything but the public segment.
set -eu
action=${1:?usage: nat-topology.sh up|down ID}
id=${2:?usage: nat-topology.sh up|down ID}
pub=mcpub$id
ra=mcra$id
rb=mcrb$id
ha=mcha$id
hb=mchb$id

down() {
  for ns in $ha $hb $ra $rb $pub; do
    if ip netns list | grep -qw "$ns"; then
      # Whatever a test started in the namespace and left behind ends with it.
      for pid in $(ip netns pids "$ns"); do kill -9 "$pid" 2>/dev/null || true; done
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
}

if [ "$action" = down ]; then
  down
  exit 0
fi
[ "$action" = up ] || { echo "unknown action $action" >&2; exit 2; }

trap 'down' EXIT
for ns in $pub $ra $rb $ha $hb; do
  ip netns add "$ns"
  ip -n "$ns" link set lo up
done

# The public segment: a bridge with the servers' address, and a default route that leads
# nowhere (coturn drops a whole allocation when a relayed send gets "Network is unreachable").
ip -n $pub link add br0 type bridge
ip -n $pub addr add 10.251.0.10/24 dev br0
ip -n $pub link set br0 up
ip -n $pub link add void0 type veth peer name void1
ip -n $pub link set void0 up
ip -n $pub link set void1 up
ip -n $pub route add default dev void0

# router: its WAN on the public bridge, its LAN towards its host.
router() {
  r=$1 host=$2 wan=$3 lan=$4
  ip link add wan netns "$r" type veth peer name "p-$r" netns $pub
  ip -n $pub link set "p-$r" master br0 up
  ip -n "$r" addr add "10.251.0.$wan/24" dev wan
  ip -n "$r" link set wan up
  ip link add lan netns "$r" type veth peer name eth0 netns "$host"
  ip -n "$r" addr add "10.251.$lan.1/24" dev lan
  ip -n "$r" link set lan up
  ip -n "$r" route add default via 10.251.0.10
  ip netns exec "$r" sysctl -qw net.ipv4.ip_forward=1
  ip netns exec "$r" iptables -t nat -A POSTROUTING -o wan -j MASQUERADE --random-fully
  ip netns exec "$r" iptables -A FORWARD -i lan -p udp ! -d 10.251.0.0/24 -j DROP
  ip -n "$host" addr add "10.251.$lan.2/24" dev eth0
  ip -n "$host" link set eth0 up
  ip -n "$host" route add default via "10.251.$lan.1"
}
router $ra $ha 2 1
router $rb $hb 3 2
trap - EXIT
