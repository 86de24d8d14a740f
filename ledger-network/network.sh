#!/usr/bin/env bash
# Countersign's Hyperledger Fabric networks, as local processes on 127.0.0.1 (no Docker).
#
#   network.sh up        dev network: one Raft orderer (OrdererMSP), one peer (OperatorMSP), the chaincode deployed
#   network.sh up-bft    production-like: four BFT orderers, an operator and a compliance peer, and the chaincode
#                        with an endorsement policy that needs both organisations
#                        up and up-bft are idempotent: on a running network they change nothing, after down they
#                        start it again as it was, and they finish what an interrupted up left undone
#   network.sh deploy    deploy the chaincode as a service on the running network (idempotent; up does it too)
#   network.sh down      stop every process (data kept: up starts it again as it was)
#   network.sh clean     stop and delete the network
#   network.sh status    for each node: its process, its /healthz, whether it has joined the channel and its height;
#                        the chaincode's definition and servers; a last line "status: healthy" (exit 0) or
#                        "status: N problem(s): ..." (exit 1)
#   network.sh query TX [ARG...]   evaluate a transaction of the anchors chaincode as the operator's User1, e.g.
#                        network.sh query Head ORIGIN;  network.sh query SegmentOf ORIGIN SEQ
#   network.sh stop NODE / start NODE    stop or start one node (orderer0..3, peer0.operator, peer0.compliance,
#                        chaincode.operator, chaincode.compliance): for fault tests
#   network.sh join NODE join one orderer or peer to the channel, retrying until it answers (up joins every node)
#   deploy, down, clean, status, stop, start and join act on the dev network unless FABRIC_NET_DIR names another, or
#   FABRIC_NETWORK=bft picks the default production-like one.
#
# FABRIC_NET_DIR       where the network lives (default .run/fabric/dev or .run/fabric/bft)
# FABRIC_PORT_BASE     first port (default 7050 dev, 7150 bft); the network uses BASE..BASE+51
# FABRIC_HOME          the Fabric installation (default ~/.cache/countersign/fabric, made by scripts/install-fabric.sh)
# FABRIC_JOIN_TIMEOUT  seconds a join is retried while the node's endpoint does not answer (default 60)
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
    if ! select_existing_network; then
        say "no network in $NET"
        return 0
    fi
    local name
    # all at once: each may take seconds to shut down
    for name in chaincode.operator chaincode.compliance peer0.operator peer0.compliance orderer0 orderer1 orderer2 \
        orderer3; do
        stop_node "$name" &
    done
    wait
    say "stopped the network in $NET"
}

# What runs and what answers, node by node; the last line sums up, and the exit status is 1 when anything is wrong.
status() {
    PROBLEMS=()
    if ! select_existing_network; then
        printf 'no network in %s\n' "$NET"
        printf 'status: no network (run up)\n'
        return 1
    fi
    local i org
    printf '%s network in %s (port base %s), channel %s\n' "$KIND" "$NET" "$BASE" "$CHANNEL"
    for i in "${ORDERERS[@]}"; do
        orderer_status "$i"
    done
    for org in "${PEER_ORGS[@]}"; do
        peer_status "$org"
    done
    chaincode_status
    if [ ${#PROBLEMS[@]} -eq 0 ]; then
        printf 'status: healthy\n'
        return 0
    fi
    local summary
    summary="$(printf '%s; ' "${PROBLEMS[@]}")"
    printf 'status: %d problem(s): %s\n' "${#PROBLEMS[@]}" "${summary%; }"
    return 1
}

problem() {
    PROBLEMS+=("$*")
}

# Prints "running (pid N)", or "stopped" and who holds the node's ports if anyone does (then records a problem and
# returns 1). Not in a subshell: the problem must reach PROBLEMS.
process_state() {
    local name="$1" port holders=""
    if pid_alive "$name"; then
        STATE="running (pid $(cat "$NET/pids/$name.pid"))"
        return 0
    fi
    for port in $(node_ports "$name"); do
        if port_open "$port"; then
            holders+=" $port$(port_holder "$port")"
        fi
    done
    if [ -n "$holders" ]; then
        STATE="stopped, but its ports are in use:$holders"
        problem "$name stopped (its ports are in use by another process)"
    else
        STATE=stopped
        problem "$name stopped"
    fi
    return 1
}

# The operations endpoint's /healthz into STATE: "health OK", or what it answered instead.
health_state() {
    local name="$1" port="$2" answer code body failed
    if ! answer="$(curl -sS -m 5 -w '\n%{http_code}' "http://127.0.0.1:$port/healthz" 2>&1)"; then
        STATE="health: operations port $port not answering"
        problem "$name operations port $port not answering"
        return
    fi
    code="${answer##*$'\n'}"
    body="$(printf '%s' "${answer%$'\n'*}" | tr -d '\n\t' | sed 's/,"time":"[^"]*"//')"
    if [ "$code" = 200 ] && [[ "$body" == *'"status":"OK"'* ]]; then
        STATE="health OK"
    else
        STATE="health: HTTP $code $body"
        failed="$(printf '%s' "$body" | { grep -o '"component":"[^"]*","reason":"[^"]*"' || true; } \
            | sed 's/"component":"\([^"]*\)","reason":"\([^"]*\)"/\1: \2/' | paste -sd, - | sed 's/,/, /g')"
        problem "$name unhealthy (HTTP $code${failed:+, $failed})"
    fi
}

# A field of osnadmin's or the peer CLI's JSON answer.
json_field() {
    tr -d '\n\t ' | sed -n 's/.*"'"$1"'":"\{0,1\}\([^",}]*\).*/\1/p'
}

orderer_status() {
    local i="$1" name="orderer$1" line info channel relation state height
    if ! process_state "$name"; then
        printf '  %-20s %s\n' "$name" "$STATE"
        return
    fi
    line="$STATE"
    health_state "$name" "$(orderer_ops_port "$i")"
    line+="; $STATE"
    info="$(orderer_channel_info "$i")" || true
    case "$info" in
        "Status: 200"*)
            relation="$(printf '%s' "$info" | json_field consensusRelation)"
            state="$(printf '%s' "$info" | json_field status)"
            height="$(printf '%s' "$info" | json_field height)"
            channel="joined, $relation, $state, height $height"
            [ "$state" = active ] || problem "$name channel $CHANNEL is $state"
            [ "$relation" = consenter ] || problem "$name is a $relation of $CHANNEL, not a consenter"
            ;;
        "Status: 404"*)
            channel="not joined"
            problem "$name has not joined $CHANNEL"
            ;;
        *)
            channel="admin port $(orderer_admin_port "$i") not answering ($(last_line "$info"))"
            problem "$name admin port not answering"
            ;;
    esac
    printf '  %-20s %s; %s: %s\n' "$name" "$line" "$CHANNEL" "$channel"
}

peer_status() {
    local org="$1" name="peer0.$1" line info channel
    if ! process_state "$name"; then
        printf '  %-20s %s\n' "$name" "$STATE"
        return
    fi
    line="$STATE"
    health_state "$name" "$(peer_ops_port "$org")"
    line+="; $STATE"
    if info="$(admin_env "$org"; timeout 20 "$FABRIC_BIN/peer" channel getinfo -c "$CHANNEL" 2>&1)"; then
        channel="joined, height $(printf '%s' "$info" | sed -n 's/^Blockchain info: //p' | json_field height)"
    elif [[ "$info" == *"Invalid chain ID"* ]]; then
        channel="not joined"
        problem "$name has not joined $CHANNEL"
    else
        channel="unknown ($(last_line "$info"))"
        problem "$name does not answer"
    fi
    printf '  %-20s %s; %s: %s\n' "$name" "$line" "$CHANNEL" "$channel"
}

# The chaincode definition on the channel, each organisation's server, and whether each peer reaches its server.
chaincode_status() {
    local org definition="" answer line committed=""
    for org in "${PEER_ORGS[@]}"; do
        pid_alive "peer0.$org" || continue
        if answer="$(admin_env "$org"; timeout 20 "$FABRIC_BIN/peer" lifecycle chaincode querycommitted \
            -C "$CHANNEL" -n "$CHAINCODE" 2>&1)"; then
            definition="committed, $(printf '%s' "$answer" | sed -n 's/^Version: \([^,]*\), Sequence: \([^,]*\),.*'\
'Approvals: \(.*\)$/version \1, sequence \2, approvals \3/p')"
            committed=1
        elif [[ "$answer" == *"not found"* ]]; then
            definition="not committed"
            problem "chaincode $CHAINCODE not committed"
        else
            definition="unknown ($(last_line "$answer"))"
            problem "chaincode $CHAINCODE definition unknown"
        fi
        break
    done
    printf '  %-20s %s\n' "chaincode $CHAINCODE" "${definition:-unknown (no peer runs)}"
    for org in "${PEER_ORGS[@]}"; do
        if ! process_state "chaincode.$org"; then
            printf '  %-20s %s\n' "chaincode.$org" "$STATE"
            continue
        fi
        line="$STATE"
        if [ -n "$committed" ] && pid_alive "peer0.$org"; then
            if answer="$(admin_env "$org"; timeout 30 "$FABRIC_BIN/peer" chaincode query -C "$CHANNEL" \
                -n "$CHAINCODE" -c '{"Args":["org.hyperledger.fabric:GetMetadata"]}' 2>&1)"; then
                line+="; answers through peer0.$org"
            else
                line+="; does not answer through peer0.$org ($(last_line "$answer"))"
                problem "chaincode.$org does not answer through peer0.$org"
            fi
        fi
        printf '  %-20s %s\n' "chaincode.$org" "$line"
    done
}

# Joins one orderer or peer to the channel, retrying until its endpoint answers (up does it for every node).
join_one() {
    select_network
    require_fabric
    generate_artifacts
    local name="$1"
    case "$name" in
        orderer[0-3]) join_orderer "${name#orderer}" ;;
        peer0.operator|peer0.compliance) join_peer "${name#peer0.}" ;;
        *) die "unknown orderer or peer $name" ;;
    esac
    say "$name has joined $CHANNEL"
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
        if [ -e "$NET" ]; then
            rm -rf "$NET"
            say "deleted $NET"
        fi
        ;;
    join) [ $# -eq 2 ] || die "usage: network.sh join NODE"; join_one "$2" ;;
    status) status ;;
    query) shift; [ $# -ge 1 ] || die "usage: network.sh query TRANSACTION [ARG...]"; query "$@" ;;
    stop)
        [ $# -eq 2 ] || die "usage: network.sh stop NODE"
        select_existing_network || die "no network in $NET"
        stop_node "$2"
        ;;
    start) [ $# -eq 2 ] || die "usage: network.sh start NODE"; start_one "$2" ;;
    *)
        sed -n '2,29p' "$0" | sed 's/^# \{0,1\}//'
        exit 2
        ;;
esac
