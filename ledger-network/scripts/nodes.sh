# Sourced by network.sh: starting and stopping orderers, peers and the chaincode servers, joining the channel and
# deploying the chaincode. Every node is configured by environment over the pristine sampleconfig YAML.

start_orderer() {
    local i="$1" dir
    dir="$(orderer_dir "$i")"
    mkdir -p "$NET/data/orderer$i"
    launch "orderer$i" env \
        FABRIC_CFG_PATH="$NET/config" \
        FABRIC_LOGGING_SPEC="${FABRIC_LOGGING_SPEC:-info}" \
        ORDERER_GENERAL_LISTENADDRESS=127.0.0.1 \
        ORDERER_GENERAL_LISTENPORT="$(orderer_port "$i")" \
        ORDERER_GENERAL_LOCALMSPID=OrdererMSP \
        ORDERER_GENERAL_LOCALMSPDIR="$dir/msp" \
        ORDERER_GENERAL_TLS_ENABLED=true \
        ORDERER_GENERAL_TLS_PRIVATEKEY="$dir/tls/server.key" \
        ORDERER_GENERAL_TLS_CERTIFICATE="$dir/tls/server.crt" \
        ORDERER_GENERAL_TLS_ROOTCAS="[$dir/tls/ca.crt]" \
        ORDERER_GENERAL_BOOTSTRAPMETHOD=none \
        ORDERER_CHANNELPARTICIPATION_ENABLED=true \
        ORDERER_FILELEDGER_LOCATION="$NET/data/orderer$i" \
        ORDERER_CONSENSUS_WALDIR="$NET/data/orderer$i/etcdraft/wal" \
        ORDERER_CONSENSUS_SNAPDIR="$NET/data/orderer$i/etcdraft/snap" \
        ORDERER_OPERATIONS_LISTENADDRESS="127.0.0.1:$(orderer_ops_port "$i")" \
        ORDERER_ADMIN_LISTENADDRESS="127.0.0.1:$(orderer_admin_port "$i")" \
        "$FABRIC_BIN/orderer"
}

start_peer() {
    local org="$1" dir
    dir="$(peer_dir "$org")"
    mkdir -p "$NET/data/peer0.$org"
    launch "peer0.$org" env \
        FABRIC_CFG_PATH="$NET/config" \
        FABRIC_LOGGING_SPEC="${FABRIC_LOGGING_SPEC:-info}" \
        CORE_VM_ENDPOINT= \
        CORE_CHAINCODE_EXTERNALBUILDERS="[{name: ccaas_builder, path: $FABRIC_HOME/builders/ccaas, propagateEnvironment: [CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG]}]" \
        CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG="{\"ccaddr\":\"127.0.0.1:$(chaincode_port "$org")\"}" \
        CORE_PEER_ID="peer0.$(org_domain "$org")" \
        CORE_PEER_LOCALMSPID="$(msp_id "$org")" \
        CORE_PEER_MSPCONFIGPATH="$dir/msp" \
        CORE_PEER_TLS_ENABLED=true \
        CORE_PEER_TLS_CERT_FILE="$dir/tls/server.crt" \
        CORE_PEER_TLS_KEY_FILE="$dir/tls/server.key" \
        CORE_PEER_TLS_ROOTCERT_FILE="$dir/tls/ca.crt" \
        CORE_PEER_LISTENADDRESS="127.0.0.1:$(peer_port "$org")" \
        CORE_PEER_ADDRESS="127.0.0.1:$(peer_port "$org")" \
        CORE_PEER_CHAINCODELISTENADDRESS="127.0.0.1:$(peer_cc_port "$org")" \
        CORE_PEER_CHAINCODEADDRESS="127.0.0.1:$(peer_cc_port "$org")" \
        CORE_PEER_GOSSIP_BOOTSTRAP="127.0.0.1:$(peer_port "$org")" \
        CORE_PEER_GOSSIP_EXTERNALENDPOINT="127.0.0.1:$(peer_port "$org")" \
        CORE_PEER_GOSSIP_ALIVETIMEINTERVAL=1s \
        CORE_PEER_GOSSIP_STATEINFOINTERVAL=1s \
        CORE_OPERATIONS_LISTENADDRESS="127.0.0.1:$(peer_ops_port "$org")" \
        CORE_PEER_FILESYSTEMPATH="$NET/data/peer0.$org" \
        CORE_LEDGER_SNAPSHOTS_ROOTDIR="$NET/data/peer0.$org/snapshots" \
        "$FABRIC_BIN/peer" node start
}

# Joins an orderer to the channel through its admin endpoint (the channel participation API). The admin endpoint
# starts listening after the operations endpoint answers /healthz, later still on a loaded machine, so the join is
# retried; an orderer that already has the channel counts as joined, which makes up idempotent.
join_orderer() {
    local i="$1"
    retry_for_node "${FABRIC_JOIN_TIMEOUT:-60}" "orderer$i" "$NET/logs/join-orderer$i.log" orderer_join_attempt "$i" \
        || die "orderer$i could not join $CHANNEL; see $NET/logs/join-orderer$i.log"
}

# osnadmin exits 0 whatever the HTTP status, so the status line decides: 201 joined, 405 "already exists" joined before.
orderer_join_attempt() {
    local out
    out="$("$FABRIC_BIN/osnadmin" channel join --channelID "$CHANNEL" --config-block "$NET/$CHANNEL.block" \
        -o "127.0.0.1:$(orderer_admin_port "$1")" 2>&1)" || { printf '%s\n' "$out"; return 1; }
    printf '%s\n' "$out"
    case "$out" in
        "Status: 201"*) return 0 ;;
        "Status: 405"*"already exists"*) printf 'orderer%s already had channel %s\n' "$1" "$CHANNEL"; return 0 ;;
    esac
    return 1
}

# The orderer's view of the channel: osnadmin's answer (Status: 200 and the channel's JSON when it has joined).
orderer_channel_info() {
    "$FABRIC_BIN/osnadmin" channel list --channelID "$CHANNEL" -o "127.0.0.1:$(orderer_admin_port "$1")" 2>&1
}

# Joins a peer to the channel from the genesis block, retried like an orderer's join; a peer that already has the
# channel counts as joined.
join_peer() {
    local org="$1"
    (
        admin_env "$org"
        retry_for_node "${FABRIC_JOIN_TIMEOUT:-60}" "peer0.$org" "$NET/logs/join-peer0.$org.log" peer_join_attempt \
            || die "peer0.$org could not join $CHANNEL; see $NET/logs/join-peer0.$org.log"
    )
}

# In admin_env.
peer_join_attempt() {
    local out
    if "$FABRIC_BIN/peer" channel getinfo -c "$CHANNEL" > /dev/null 2>&1; then
        printf 'already joined to %s\n' "$CHANNEL"
        return 0
    fi
    if out="$("$FABRIC_BIN/peer" channel join -b "$NET/$CHANNEL.block" 2>&1)"; then
        printf 'joined %s\n' "$CHANNEL"
        return 0
    fi
    printf '%s\n' "$out"
    [[ "$out" == *"already exists"* ]]
}

# A chaincode-as-a-service package holds only where to reach the server: one package, so one package id, for every
# organisation; each peer fills in its own server address from CHAINCODE_AS_A_SERVICE_BUILDER_CONFIG.
package_chaincode() {
    local dir="$NET/chaincode"
    if [ -f "$dir/package-id" ]; then
        PACKAGE_ID="$(cat "$dir/package-id")"
        return
    fi
    rm -rf "$dir" && mkdir -p "$dir/src" "$dir/pkg"
    printf '{"address":"{{.ccaddr}}","dial_timeout":"10s","tls_required":false}\n' > "$dir/src/connection.json"
    printf '{"type":"ccaas","label":"%s"}\n' "$CHAINCODE_LABEL" > "$dir/pkg/metadata.json"
    tar -C "$dir/src" -czf "$dir/pkg/code.tar.gz" connection.json
    tar -C "$dir/pkg" -czf "$dir/$CHAINCODE.tgz" metadata.json code.tar.gz
    PACKAGE_ID="$(FABRIC_CFG_PATH="$NET/config" "$FABRIC_BIN/peer" lifecycle chaincode calculatepackageid \
        "$dir/$CHAINCODE.tgz")"
    echo "$PACKAGE_ID" > "$dir/package-id"
}

ensure_chaincode_jar() {
    if [ ! -f "$CHAINCODE_JAR" ]; then
        say "building the chaincode"
        (cd "$REPO_ROOT" && mvn -B -ntp -q install -DskipTests -pl ledger-network/chaincode -am) \
            || die "the chaincode did not build"
    fi
}

start_chaincode_server() {
    local org="$1"
    launch "chaincode.$org" env \
        CHAINCODE_SERVER_ADDRESS="127.0.0.1:$(chaincode_port "$org")" \
        CORE_CHAINCODE_ID_NAME="$PACKAGE_ID" \
        CORE_PEER_TLS_ENABLED=false \
        java -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx256m -Xss512k -jar "$CHAINCODE_JAR"
}

install_chaincode() {
    local org="$1"
    (
        admin_env "$org"
        if "$FABRIC_BIN/peer" lifecycle chaincode queryinstalled 2>/dev/null | grep -q "$PACKAGE_ID"; then
            exit 0
        fi
        retry 30 "$FABRIC_BIN/peer" lifecycle chaincode install "$NET/chaincode/$CHAINCODE.tgz" > /dev/null \
            || die "installing the chaincode on peer0.$org failed"
    )
}

policy_args() {
    if [ "$KIND" = bft ]; then
        printf '%s\n' --signature-policy "$SIGNATURE_POLICY_BFT"
    fi
}

approve_chaincode() {
    local org="$1" policy=()
    mapfile -t policy < <(policy_args)
    (
        admin_env "$org"
        if approved_by "$(msp_id "$org")"; then
            exit 0
        fi
        # a retry after an approval that went through but was not confirmed in time is refused: check again
        retry 60 approve_attempt "${policy[@]}" > /dev/null \
            || die "approving the chaincode for $(msp_id "$org") failed"
    )
}

# In admin_env.
approve_attempt() {
    "$FABRIC_BIN/peer" lifecycle chaincode approveformyorg -o "127.0.0.1:$(orderer_port 0)" --tls \
        --cafile "$(orderer_ca)" --channelID "$CHANNEL" --name "$CHAINCODE" --version 1.0 --sequence 1 \
        --package-id "$PACKAGE_ID" "$@" || approved_by "$CORE_PEER_LOCALMSPID"
}

# In admin_env: whether MSP has approved the definition this script commits (sequence 1).
approved_by() {
    local policy=()
    mapfile -t policy < <(policy_args)
    "$FABRIC_BIN/peer" lifecycle chaincode checkcommitreadiness --channelID "$CHANNEL" --name "$CHAINCODE" \
        --version 1.0 --sequence 1 "${policy[@]}" --output json 2>/dev/null | grep -q "\"$1\": *true"
}

commit_chaincode() {
    local policy=() peers=() org
    mapfile -t policy < <(policy_args)
    for org in "${PEER_ORGS[@]}"; do
        peers+=(--peerAddresses "127.0.0.1:$(peer_port "$org")" --tlsRootCertFiles "$(peer_dir "$org")/tls/ca.crt")
    done
    (
        admin_env operator
        retry 60 commit_attempt "${policy[@]}" "${peers[@]}" > /dev/null \
            || die "committing the chaincode definition failed"
    )
}

# In admin_env; a commit that went through but was not confirmed in time counts when retried.
commit_attempt() {
    "$FABRIC_BIN/peer" lifecycle chaincode commit -o "127.0.0.1:$(orderer_port 0)" --tls \
        --cafile "$(orderer_ca)" --channelID "$CHANNEL" --name "$CHAINCODE" --version 1.0 --sequence 1 "$@" \
        || "$FABRIC_BIN/peer" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CHAINCODE" > /dev/null 2>&1
}

chaincode_committed() {
    (
        admin_env operator
        "$FABRIC_BIN/peer" lifecycle chaincode querycommitted -C "$CHANNEL" -n "$CHAINCODE" > /dev/null 2>&1
    )
}

# The chaincode answers once every peer reaches its server; a query on each peer proves it.
wait_chaincode_ready() {
    local org
    for org in "${PEER_ORGS[@]}"; do
        (
            admin_env "$org"
            retry 90 "$FABRIC_BIN/peer" chaincode query -C "$CHANNEL" -n "$CHAINCODE" \
                -c '{"Args":["org.hyperledger.fabric:GetMetadata"]}' > /dev/null \
                || die "the chaincode does not answer on peer0.$org; see $NET/logs/chaincode.$org.log"
        )
    done
}

# Stops a node: TERM, then KILL after 10 s. A pid file that names another program (the pid was reused) is only removed.
stop_node() {
    local name="$1" file="$NET/pids/$1.pid" pid
    [ -f "$file" ] || return 0
    pid="$(cat "$file")"
    if pid_alive "$name"; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do
            pid_alive "$name" || break # a zombie, left to a parent that does not reap, counts as gone
            sleep 0.1
        done
        if pid_alive "$name"; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    rm -f "$file"
}

# What Countersign (audit-fabric) and the verifier need to reach the operator's peer as User1.
write_connection_profiles() {
    local user peer
    user="$(user_dir operator User1)"
    peer="$(peer_dir operator)"
    cat > "$NET/connection.json" <<EOF
{"peer": "127.0.0.1:$(peer_port operator)", "tlsRootCert": "$peer/tls/ca.crt",
 "serverName": "peer0.operator.example.com", "mspId": "OperatorMSP",
 "certificate": "$user/msp/signcerts/User1@operator.example.com-cert.pem",
 "privateKey": "$user/msp/keystore/priv_sk", "channel": "$CHANNEL", "chaincode": "$CHAINCODE"}
EOF
    cat > "$NET/io.countersign.audit.fabric.cfg" <<EOF
peerEndpoint = 127.0.0.1:$(peer_port operator)
tlsRootCertPath = $peer/tls/ca.crt
serverNameOverride = peer0.operator.example.com
mspId = OperatorMSP
certificatePath = $user/msp/signcerts/User1@operator.example.com-cert.pem
privateKeyPath = $user/msp/keystore/priv_sk
channel = $CHANNEL
chaincode = $CHAINCODE
EOF
}
