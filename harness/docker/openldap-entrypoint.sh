#!/bin/bash
# Entry point of the openldap compose service: renders slapd.conf from
# harness/ldap/slapd.conf.in, loads base.ldif + demo.ldif with slapadd on the
# first start (empty volume), then runs slapd in the foreground on port 389.
#   LDAP_BASE (dc=example,dc=org), LDAP_ADMIN_PASSWORD (admin-secret),
#   LDAP_LOGLEVEL (stats)
set -euo pipefail
BASE=${LDAP_BASE:-dc=example,dc=org}
ADMIN_DN="cn=admin,$BASE"
ADMIN_PW=${LDAP_ADMIN_PASSWORD:-admin-secret}
H=/opt/orchestrator-harness/ldap
RUN=/var/lib/orchestrator-ldap
CONF=$RUN/slapd.conf

# Same substitutions as scripts/services render_ldif: @DATE+N@/@DATE-N@ ->
# YYYYMMDD of today (UTC) +/- N days, @SHADOW+N@ -> shadowExpire days; suffix.
render_ldif() {
    local file=$1 args=() ph sign n value first_dc now
    while read -r ph; do
        [ -n "$ph" ] || continue
        case $ph in
        @DATE*) sign=${ph:5:1}; n=${ph:6:-1}; value=$(date -u -d "today $sign$n days" +%Y%m%d) ;;
        @SHADOW*)
            sign=${ph:7:1}; n=${ph:8:-1}; [ "$sign" = - ] && n=-$n
            now=$(date -u +%s); value=$((now / 86400 + n)) ;;
        esac
        args+=(-e "s|$ph|$value|g")
    done < <(grep -oE '@(DATE|SHADOW)[+-][0-9]+@' "$file" | sort -u)
    if [ "$BASE" != "dc=example,dc=org" ]; then
        first_dc=${BASE%%,*}; first_dc=${first_dc#dc=}
        args+=(-e "s|dc=example,dc=org|$BASE|g" -e "s|^dc: example\$|dc: $first_dc|")
    fi
    if [ ${#args[@]} = 0 ]; then cat "$file"; else sed "${args[@]}" "$file"; fi
}

mkdir -p "$RUN/data"
hash=$(slappasswd -h '{SSHA}' -s "$ADMIN_PW")
sep=$'\001'
sed -e "s${sep}@SCHEMA@${sep}$H/fusiondirectory.schema${sep}g" \
    -e "s${sep}@RUN@${sep}$RUN${sep}g" \
    -e "s${sep}@BASE@${sep}$BASE${sep}g" \
    -e "s${sep}@ADMIN_DN@${sep}$ADMIN_DN${sep}g" \
    -e "s${sep}@ADMIN_PW_HASH@${sep}$hash${sep}g" \
    "$H/slapd.conf.in" >"$CONF"
slaptest -Q -u -f "$CONF"

if [ ! -f "$RUN/data/.fixture-loaded" ]; then
    { render_ldif "$H/base.ldif"; echo; render_ldif "$H/demo.ldif"; } | slapadd -q -f "$CONF"
    touch "$RUN/data/.fixture-loaded"
    echo "openldap: fixture loaded into $BASE"
fi
rm -f "$RUN/slapd.pid"
exec slapd -f "$CONF" -h "ldap://0.0.0.0:389/" -d "${LDAP_LOGLEVEL:-stats}"
