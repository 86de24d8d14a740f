# Shared by network.sh: where a network lives, its ports, and the environment of each node.
# Sourced, never run. Everything binds to 127.0.0.1; every port derives from FABRIC_PORT_BASE.

cache="${XDG_CACHE_HOME:-$HOME/.cache}/countersign"
FABRIC_HOME="${FABRIC_HOME:-$cache/fabric}"
FABRIC_BIN="$FABRIC_HOME/bin"
LEDGER_NETWORK="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REPO_ROOT="$(cd "$LEDGER_NETWORK/.." && pwd)"

CHANNEL="${FABRIC_CHANNEL:-countersign}"
CHAINCODE=anchors
CHAINCODE_LABEL=anchors_1.0
CHAINCODE_JAR="$LEDGER_NETWORK/chaincode/target/countersign-anchors-chaincode.jar"
SIGNATURE_POLICY_BFT="AND('OperatorMSP.peer','ComplianceMSP.peer')"

say() { printf 'ledger-network: %s\n' "$*" >&2; }
die() { say "$*"; exit 1; }

# The directory of the network the command acts on.
network_dir() {
    if [ -n "${FABRIC_NET_DIR:-}" ]; then
        echo "$FABRIC_NET_DIR"
    else
        echo "$REPO_ROOT/.run/fabric/${1:-${FABRIC_NETWORK:-dev}}"
    fi
}

# The network directory and its kind (dev or bft) and port base, fixed when it is first created.
select_network() {
    local kind_wanted="${1:-}"
    NET="$(network_dir "$kind_wanted")"
    mkdir -p "$NET"
    NET="$(cd "$NET" && pwd)"
    if [ -f "$NET/network.env" ]; then
        # shellcheck disable=SC1091
        . "$NET/network.env"
        if [ -n "$kind_wanted" ] && [ "$kind_wanted" != "$KIND" ]; then
            die "$NET holds a $KIND network; run 'clean' first or choose another FABRIC_NET_DIR"
        fi
        if [ -n "${FABRIC_PORT_BASE:-}" ] && [ "$FABRIC_PORT_BASE" != "$BASE" ]; then
            say "$NET was made on port base $BASE; FABRIC_PORT_BASE=$FABRIC_PORT_BASE is ignored (clean it to move it)"
        fi
    else
        KIND="${kind_wanted:-dev}"
        if [ "$KIND" = bft ]; then
            BASE="${FABRIC_PORT_BASE:-7150}"
        else
            BASE="${FABRIC_PORT_BASE:-7050}"
        fi
        printf 'KIND=%s\nBASE=%s\n' "$KIND" "$BASE" > "$NET/network.env"
    fi
    derive_ports
    mkdir -p "$NET/logs" "$NET/pids" "$NET/data"
}

# For the commands that act on a network that exists (down, status): false, with NET set, when there is none.
select_existing_network() {
    NET="$(network_dir)"
    [ -f "$NET/network.env" ] || return 1
    select_network
}

derive_ports() {
    # orderer i: listen BASE+i, operations BASE+10+i, admin BASE+20+i (i = 0..3)
    # operator peer: BASE+30 (peer), BASE+31 (chaincode listener), BASE+32 (operations); compliance: BASE+40..42
    # chaincode servers: operator BASE+50, compliance BASE+51
    OPERATOR_PEER_PORT=$((BASE + 30))
    COMPLIANCE_PEER_PORT=$((BASE + 40))
    if [ "$KIND" = bft ]; then
        ORDERERS=(0 1 2 3)
        PEER_ORGS=(operator compliance)
    else
        ORDERERS=(0)
        PEER_ORGS=(operator)
    fi
}

orderer_port() { echo $((BASE + $1)); }
orderer_ops_port() { echo $((BASE + 10 + $1)); }
orderer_admin_port() { echo $((BASE + 20 + $1)); }
peer_port() { [ "$1" = operator ] && echo $((BASE + 30)) || echo $((BASE + 40)); }
peer_cc_port() { [ "$1" = operator ] && echo $((BASE + 31)) || echo $((BASE + 41)); }
peer_ops_port() { [ "$1" = operator ] && echo $((BASE + 32)) || echo $((BASE + 42)); }
chaincode_port() { [ "$1" = operator ] && echo $((BASE + 50)) || echo $((BASE + 51)); }
msp_id() { [ "$1" = operator ] && echo OperatorMSP || echo ComplianceMSP; }
org_domain() { echo "$1.example.com"; }

orderer_dir() { echo "$NET/crypto/ordererOrganizations/example.com/orderers/orderer$1.example.com"; }
orderer_ca() { echo "$(orderer_dir 0)/tls/ca.crt"; }
peer_dir() { echo "$NET/crypto/peerOrganizations/$(org_domain "$1")/peers/peer0.$(org_domain "$1")"; }
user_dir() { echo "$NET/crypto/peerOrganizations/$(org_domain "$1")/users/$2@$(org_domain "$1")"; }

require_fabric() {
    [ -x "$FABRIC_BIN/peer" ] || "$LEDGER_NETWORK/scripts/install-fabric.sh"
}

# Environment of the peer CLI acting as an organisation's admin (channel join, lifecycle) or as its peer.
admin_env() {
    local org="$1"
    export FABRIC_CFG_PATH="$NET/config"
    export FABRIC_LOGGING_SPEC=warn
    export CORE_PEER_TLS_ENABLED=true
    export CORE_PEER_LOCALMSPID
    CORE_PEER_LOCALMSPID="$(msp_id "$org")"
    export CORE_PEER_TLS_ROOTCERT_FILE
    CORE_PEER_TLS_ROOTCERT_FILE="$(peer_dir "$org")/tls/ca.crt"
    export CORE_PEER_MSPCONFIGPATH
    CORE_PEER_MSPCONFIGPATH="$(user_dir "$org" Admin)/msp"
    export CORE_PEER_ADDRESS="127.0.0.1:$(peer_port "$org")"
}

# The program a node runs, as it appears in its command line (from setsid through env to the node itself).
node_program() {
    case "$1" in
        orderer*) echo /orderer ;;
        peer0.*) echo '/peer node start' ;;
        chaincode.*) echo "/$(basename "$CHAINCODE_JAR")" ;;
    esac
}

# The ports a node listens on.
node_ports() {
    case "$1" in
        orderer*)
            local i="${1#orderer}"
            echo "$(orderer_port "$i") $(orderer_ops_port "$i") $(orderer_admin_port "$i")"
            ;;
        peer0.*) echo "$(peer_port "${1#peer0.}") $(peer_cc_port "${1#peer0.}") $(peer_ops_port "${1#peer0.}")" ;;
        chaincode.*) chaincode_port "${1#chaincode.}" ;;
    esac
}

# True when the process of pids/NAME.pid runs and is that node: a pid file left by a machine that has since
# restarted may name an unrelated process (or a zombie, whose command line is empty).
pid_alive() {
    local file="$NET/pids/$1.pid" pid cmdline
    [ -f "$file" ] || return 1
    pid="$(cat "$file" 2>/dev/null)"
    [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
    [ -r "/proc/$pid/cmdline" ] || return 0
    cmdline="$(tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null)"
    [[ "$cmdline" == *"$(node_program "$1")"* ]]
}

# True when something accepts connections on 127.0.0.1:PORT.
port_open() {
    (: <> "/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# Who listens on a port, when ss can tell.
port_holder() {
    command -v ss > /dev/null || return 0
    ss -Hltnp "sport = :$1" 2>/dev/null | sed -n 's/.*users:((\("[^"]*",pid=[0-9]*\).*/ by \1/p' | head -n 1
}

# Starts a node in its own session so that it outlives this script; its pid goes to pids/NAME.pid. A node that
# already runs is left alone; one whose ports another process holds is not started.
launch() {
    local name="$1" port
    shift
    if pid_alive "$name"; then
        return
    fi
    rm -f "$NET/pids/$name.pid"
    for port in $(node_ports "$name"); do
        if port_open "$port"; then
            die "$name cannot start: port $port is in use$(port_holder "$port") (another network on the same ports?)"
        fi
    done
    ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
    printf '\n=== %s started by network.sh at %s\n' "$name" "$(date -u +%FT%TZ)" >> "$NET/logs/$name.log"
    setsid "$@" >> "$NET/logs/$name.log" 2>&1 < /dev/null &
    echo $! > "$NET/pids/$name.pid"
}

wait_healthy() {
    local name="$1" port="$2" deadline=$((SECONDS + ${3:-60}))
    until curl -fsS "http://127.0.0.1:$port/healthz" 2>/dev/null | grep -q '"status":"OK"'; do
        pid_alive "$name" || die "$name exited; see $NET/logs/$name.log"
        [ $SECONDS -lt $deadline ] || die "$name is not healthy on port $port; see $NET/logs/$name.log"
        sleep 0.1
    done
}

# Retries a command until it succeeds or the deadline passes (gossip and elections settle on timers).
retry() {
    local seconds="$1"
    shift
    local deadline=$((SECONDS + seconds)) output
    until output=$("$@" 2>&1); do
        if [ $SECONDS -ge $deadline ]; then
            printf '%s\n' "$output" >&2
            return 1
        fi
        sleep 0.3
    done
    printf '%s' "$output"
}

# The last non-blank line of a command's output, shortened: what went wrong, in one line.
last_line() {
    printf '%s' "$1" | { grep -v '^[[:space:]]*$' || true; } | tail -n 1 | cut -c1-200
}

# Runs ATTEMPT [ARG...] until it succeeds, for up to SECONDS, on behalf of node NAME: gives up at once when the
# node's process has exited, says once that it is retrying (with the first failure's last line), and appends every
# attempt's output to LOG.
retry_for_node() {
    local seconds="$1" name="$2" log="$3"
    shift 3
    local deadline=$((SECONDS + seconds)) output said=""
    until output=$("$@" 2>&1); do
        printf '%s\n' "$output" >> "$log"
        if [ -f "$NET/pids/$name.pid" ] && ! pid_alive "$name"; then
            say "$name exited; see $NET/logs/$name.log"
            return 1
        fi
        if [ $SECONDS -ge $deadline ]; then
            say "$name: gave up after $seconds s: $(last_line "$output")"
            return 1
        fi
        if [ -z "$said" ]; then
            say "$name: $(last_line "$output"); retrying for up to $seconds s"
            said=1
        fi
        sleep 0.3
    done
    printf '%s\n' "$output" >> "$log"
}
