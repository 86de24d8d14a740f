# Sourced by network.sh: writes the crypto material, the channel configuration and the genesis block of a network.
# The ports are part of the configuration (orderer endpoints, consenters, anchor peers), so both files are written
# for each network from its port base.

write_crypto_config() {
    local orderer_specs="" org
    for i in "${ORDERERS[@]}"; do
        orderer_specs+="      - Hostname: orderer$i
        SANS: [127.0.0.1, localhost]
"
    done
    {
        cat <<EOF
OrdererOrgs:
  - Name: Orderer
    Domain: example.com
    EnableNodeOUs: true
    Specs:
$orderer_specs
PeerOrgs:
EOF
        for org in "${PEER_ORGS[@]}"; do
            cat <<EOF
  - Name: ${org^}
    Domain: $(org_domain "$org")
    EnableNodeOUs: true
    Template:
      Count: 1
      SANS: [127.0.0.1, localhost]
    Users:
      Count: 2
EOF
        done
    } > "$NET/crypto-config.yaml"
}

peer_org_yaml() {
    local org="$1" msp
    msp="$(msp_id "$org")"
    cat <<EOF
  - &${org^}
    Name: $msp
    ID: $msp
    MSPDir: crypto/peerOrganizations/$(org_domain "$org")/msp
    Policies:
      Readers: {Type: Signature, Rule: "OR('$msp.admin', '$msp.peer', '$msp.client')"}
      Writers: {Type: Signature, Rule: "OR('$msp.admin', '$msp.client')"}
      Admins: {Type: Signature, Rule: "OR('$msp.admin')"}
      Endorsement: {Type: Signature, Rule: "OR('$msp.peer')"}
    AnchorPeers:
      - {Host: 127.0.0.1, Port: $(peer_port "$org")}
EOF
}

write_configtx() {
    local endpoints="" consenters="" mapping="" i dir org orgs=""
    for i in "${ORDERERS[@]}"; do
        dir="crypto/ordererOrganizations/example.com/orderers/orderer$i.example.com"
        endpoints+="        - 127.0.0.1:$(orderer_port "$i")
"
        consenters+="          - {Host: 127.0.0.1, Port: $(orderer_port "$i"), ClientTLSCert: $dir/tls/server.crt, ServerTLSCert: $dir/tls/server.crt}
"
        mapping+="        - {ID: $((i + 1)), Host: 127.0.0.1, Port: $(orderer_port "$i"), MSPID: OrdererMSP, Identity: $dir/msp/signcerts/orderer$i.example.com-cert.pem, ClientTLSCert: $dir/tls/server.crt, ServerTLSCert: $dir/tls/server.crt}
"
    done
    for org in "${PEER_ORGS[@]}"; do
        orgs+="        - *${org^}
"
    done
    {
        cat <<EOF
# Written by ledger-network/network.sh for the $KIND network on port base $BASE.
Organizations:
  - &OrdererOrg
    Name: OrdererMSP
    ID: OrdererMSP
    MSPDir: crypto/ordererOrganizations/example.com/msp
    Policies:
      Readers: {Type: Signature, Rule: "OR('OrdererMSP.member')"}
      Writers: {Type: Signature, Rule: "OR('OrdererMSP.member')"}
      Admins: {Type: Signature, Rule: "OR('OrdererMSP.admin')"}
    OrdererEndpoints:
$endpoints
EOF
        for org in "${PEER_ORGS[@]}"; do
            peer_org_yaml "$org"
        done
        cat <<EOF

Capabilities:
  Channel: &ChannelCapabilities {V3_0: true}
  Orderer: &OrdererCapabilities {V2_0: true}
  Application: &ApplicationCapabilities {V2_5: true}

Application: &ApplicationDefaults
  Organizations:
  Policies:
    Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
    Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
    Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
    LifecycleEndorsement: {Type: ImplicitMeta, Rule: "MAJORITY Endorsement"}
    Endorsement: {Type: ImplicitMeta, Rule: "MAJORITY Endorsement"}
  Capabilities: *ApplicationCapabilities

# Blocks are cut for latency: an anchoring transaction is committed well under a second after it is ordered.
# Anchoring sends about one transaction a second of up to a few MB, hence the byte limits.
Orderer: &OrdererDefaults
  BatchTimeout: 100ms
  BatchSize:
    MaxMessageCount: 10
    AbsoluteMaxBytes: 32 MB
    PreferredMaxBytes: 8 MB
  Organizations:
  Policies:
    Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
    Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
    Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
    BlockValidation: {Type: ImplicitMeta, Rule: "ANY Writers"}
  Capabilities: *OrdererCapabilities

Channel: &ChannelDefaults
  Policies:
    Readers: {Type: ImplicitMeta, Rule: "ANY Readers"}
    Writers: {Type: ImplicitMeta, Rule: "ANY Writers"}
    Admins: {Type: ImplicitMeta, Rule: "MAJORITY Admins"}
  Capabilities: *ChannelCapabilities

Profiles:
  DevRaft:
    <<: *ChannelDefaults
    Orderer:
      <<: *OrdererDefaults
      OrdererType: etcdraft
      EtcdRaft:
        Consenters:
$consenters
        # a restarted node waits ElectionTick x TickInterval (1-2 s here) before it leads again
        Options: {TickInterval: 100ms, ElectionTick: 10, HeartbeatTick: 1, MaxInflightBlocks: 5, SnapshotIntervalSize: 16 MB}
      Organizations: [*OrdererOrg]
    Application:
      <<: *ApplicationDefaults
      Organizations:
$orgs
  ProdBFT:
    <<: *ChannelDefaults
    Orderer:
      <<: *OrdererDefaults
      OrdererType: BFT
      ConsenterMapping:
$mapping
      SmartBFT:
        RequestBatchMaxInterval: 50ms
        RequestForwardTimeout: 2s
        RequestComplainTimeout: 20s
        RequestAutoRemoveTimeout: 3m
        ViewChangeResendInterval: 5s
        ViewChangeTimeout: 20s
        LeaderHeartbeatTimeout: 1m
        LeaderHeartbeatCount: 10
        CollectTimeout: 1s
        RequestBatchMaxBytes: 33554432
        IncomingMessageBufferSize: 200
        RequestPoolSize: 100000
      Organizations: [*OrdererOrg]
    Application:
      <<: *ApplicationDefaults
      Organizations:
$orgs
EOF
    } > "$NET/configtx.yaml"
}

generate_artifacts() {
    [ -f "$NET/$CHANNEL.block" ] && return
    say "generating crypto material and the genesis block of channel $CHANNEL ($KIND, port base $BASE)"
    rm -rf "$NET/crypto" "$NET/config"
    mkdir -p "$NET/config"
    cp "$FABRIC_HOME/config/core.yaml" "$FABRIC_HOME/config/orderer.yaml" "$NET/config/"
    chmod u+w "$NET/config/"*.yaml
    write_crypto_config
    write_configtx
    "$FABRIC_BIN/cryptogen" generate --config="$NET/crypto-config.yaml" --output="$NET/crypto" > /dev/null
    local profile=DevRaft
    [ "$KIND" = bft ] && profile=ProdBFT
    FABRIC_CFG_PATH="$NET" "$FABRIC_BIN/configtxgen" -configPath "$NET" -profile "$profile" -channelID "$CHANNEL" \
        -outputBlock "$NET/$CHANNEL.block.tmp" 2> "$NET/logs/configtxgen.log" \
        || die "configtxgen failed; see $NET/logs/configtxgen.log"
    mv "$NET/$CHANNEL.block.tmp" "$NET/$CHANNEL.block"
}
