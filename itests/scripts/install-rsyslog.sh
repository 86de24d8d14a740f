#!/usr/bin/env bash
# Installs the syslog receiver of the SIEM export test (SiemIT): Debian's rsyslog with its GnuTLS network stream
# driver (imtcp StreamDriver "gtls", RFC 5425). Does nothing when both are there. The test runs a private rsyslogd of
# its own (own config, pid file and work directory); the system's rsyslog service is neither started nor changed.
set -euo pipefail

say() { printf 'install-rsyslog: %s\n' "$*" >&2; }

have_gtls() {
    local dir
    for dir in /usr/lib/x86_64-linux-gnu/rsyslog /usr/lib/aarch64-linux-gnu/rsyslog /usr/lib/rsyslog; do
        [ -e "$dir/lmnsd_gtls.so" ] && return 0
    done
    return 1
}

if command -v rsyslogd >/dev/null 2>&1 && have_gtls; then
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "please install rsyslog and rsyslog-gnutls (the SIEM export test needs them)"
    exit 1
fi
say "installing rsyslog and rsyslog-gnutls"
apt-get update -qq
# policy-rc.d 101: the package's postinst must not start the system's rsyslog service
policy=/usr/sbin/policy-rc.d
created=
if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod 755 "$policy" && created=1
fi
trap '[ -n "$created" ] && rm -f "$policy"' EXIT
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends rsyslog rsyslog-gnutls >/dev/null
