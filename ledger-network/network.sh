#!/usr/bin/env bash
# Countersign's Hyperledger Fabric networks, as local processes on 127.0.0.1 (no Docker).
#
#   network.sh up        dev network: one Raft orderer (OrdererMSP), one peer (OperatorMSP), the chaincode deployed
#   network.sh up-bft    production-like: four BFT orderers, an operator and a compliance peer, and the chaincode
#                        with an endorsement policy that needs both organisations
#   network.sh deploy    deploy the chaincode as a service on the running network (idempotent; up does it too)
#   network.sh down      stop every process (data kept: up starts it again as it was)
#   network.sh clean     stop and delete the network
#   network.sh status    each process, its health, the channel height, the chaincode
#   network.sh query TX [ARG...]   evaluate a transaction of the anchors chaincode as the operator's User1, e.g.
#                        network.sh query Head ORIGIN;  network.sh query SegmentOf ORIGIN SEQ
#   network.sh stop NODE / start NODE    stop or start one node (orderer0..3, peer0.operator, peer0.compliance,
#                        chaincode.operator, chaincode.compliance): for fault tests
#   deploy, down, clean, status, stop and start act on the dev network unless FABRIC_NET_DIR names another, or
#   FABRIC_NETWORK=bft picks the default production-like one.
#
# FABRIC_NET_DIR    where the network lives (default .run/fabric/dev or .run/fabric/bft)
# FABRIC_PORT_BASE  first port (default 7050 dev, 7150 bft); the network uses BASE..BASE+51
# FABRIC_HOME       the Fabric installation (default ~/.cache/countersign/fabric, made by scripts/install-fabric.sh)
#
# After up, $FABRIC_NET_DIR holds connection.json (for countersign-verify --fabric) and
# io.countersign.audit.fabric.cfg (for Countersign's Fabric audit feature).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=scripts/lib.sh
. "$here/scripts/lib.sh"
# shellcheck source=scripts/artifacts.sh
. "$here/scripts/artifacts.sh"
# shellcheck source=scripts/nodes.sh
. "$here/scripts/nodes.sh"

start_nodes() {
    local i org
    for i in "${ORDERERS[@]}"; do
        start_orderer "$i"
    done
    for org in "${PEER_ORGS[@]}"; do
        start_peer "$org"
    done
    for i in "${ORDERERS[@]}"; do
        wait_healthy "orderer$i" "$(orderer_ops_port "$i")"
    done
    for i in "${ORDERERS[@]}"; do
        join_orderer "$i"
    done
    for org in "${PEER_ORGS[@]}"; do
        wait_healthy "peer0.$org" "$(peer_ops_port "$org")"
    done
    for org in "${PEER_ORGS[@]}"; do
        join_peer "$org"
    done
}

deploy() {
    local org
    ensure_chaincode_jar
    package_chaincode
    # the servers start first: the JVM's start-up overlaps the lifecycle transactions
    for org in "${PEER_ORGS[@]}"; do
        start_chaincode_server "$org"
    done
    if ! chaincode_committed; then
        for org in "${PEER_ORGS[@]}"; do
            install_chaincode "$org"
        done
        for org in "${PEER_ORGS[@]}"; do
            approve_chaincode "$org"
        done
        commit_chaincode
    fi
    wait_chaincode_ready
    write_connection_profiles
}

up() {
    local kind="$1" started=$SECONDS
    select_network "$kind"
    require_fabric
    generate_artifacts
    start_nodes
    deploy
    say "the $KIND network is up in $((SECONDS - started)) s: channel $CHANNEL, chaincode $CHAINCODE, in $NET"
    say "Countersign's Fabric audit configuration: $NET/io.countersign.audit.fabric.cfg"
}

down() {
    select_network
    local name
    # all at once: each may take seconds to shut down
    for name in chaincode.operator chaincode.compliance peer0.operator peer0.compliance orderer0 orderer1 orderer2 \
        orderer3; do
        stop_node "$name" &
    done
    wait
    say "stopped the network in $NET"
}

status() {
    select_network
    local i org healthy=0
    printf '%s network in %s (port base %s), channel %s\n' "$KIND" "$NET" "$BASE" "$CHANNEL"
    for i in "${ORDERERS[@]}"; do
        node_status "orderer$i" "$(orderer_ops_port "$i")" || healthy=1
    done
    for org in "${PEER_ORGS[@]}"; do
        node_status "peer0.$org" "$(peer_ops_port "$org")" || healthy=1
        process_status "chaincode.$org" || healthy=1
    done
    for org in "${PEER_ORGS[@]}"; do
        if pid_alive "peer0.$org"; then
            printf '  peer0.%s: %s\n' "$org" "$(admin_env "$org"; "$FABRIC_BIN/peer" channel getinfo -c "$CHANNEL" \
                2>/dev/null | sed -n 's/^Blockchain info: //p')"
        fi
    done
    if chaincode_committed; then
        printf '  chaincode %s: committed\n' "$CHAINCODE"
    else
        printf '  chaincode %s: not committed\n' "$CHAINCODE"
        healthy=1
    fi
    return $healthy
}

node_status() {
    local name="$1" port="$2" health
    if ! pid_alive "$name"; then
        printf '  %-22s stopped\n' "$name"
        return 1
    fi
    health="$(curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null || echo unreachable)"
    printf '  %-22s running (pid %s), health %s\n' "$name" "$(cat "$NET/pids/$name.pid")" "$health"
    [[ "$health" == *'"OK"'* ]]
}

process_status() {
    if pid_alive "$1"; then
        printf '  %-22s running (pid %s)\n' "$1" "$(cat "$NET/pids/$1.pid")"
    else
        printf '  %-22s stopped\n' "$1"
        return 1
    fi
}

start_one() {
    select_network
    local name="$1"
    case "$name" in
        orderer[0-3]) start_orderer "${name#orderer}"; wait_healthy "$name" "$(orderer_ops_port "${name#orderer}")" ;;
        peer0.operator|peer0.compliance) start_peer "${name#peer0.}"; wait_healthy "$name" "$(peer_ops_port "${name#peer0.}")" ;;
        chaincode.operator|chaincode.compliance) package_chaincode; start_chaincode_server "${name#chaincode.}" ;;
        *) die "unknown node $name" ;;
    esac
}

query() {
    select_network
    local args
    args="$(printf '%s\n' "$@" | sed 's/\\/\\\\/g; s/"/\\"/g' | sed 's/.*/"&"/' | paste -sd, -)"
    (
        admin_env operator
        CORE_PEER_MSPCONFIGPATH="$(user_dir operator User1)/msp"
        "$FABRIC_BIN/peer" chaincode query -C "$CHANNEL" -n "$CHAINCODE" -c "{\"Args\":[$args]}"
    )
}

case "${1:-}" in
    up) up dev ;;
    up-bft) up bft ;;
    deploy) select_network; require_fabric; deploy ;;
    down) down ;;
    clean)
        down
        rm -rf "$NET"
        say "deleted $NET"
        ;;
    status) status ;;
    query) shift; [ $# -ge 1 ] || die "usage: network.sh query TRANSACTION [ARG...]"; query "$@" ;;
    stop) [ $# -eq 2 ] || die "usage: network.sh stop NODE"; select_network; stop_node "$2" ;;
    start) [ $# -eq 2 ] || die "usage: network.sh start NODE"; start_one "$2" ;;
    *)
        sed -n '2,23p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
