#!/bin/sh
# Entry point of the fd-rest compose service.  Control dir, calls file and the self-signed
# certificate (SAN localhost, 127.0.0.1, fd-rest) go to /srv/fdrest (bind mount ./.run/compose-fdrest).
set -eu
mkdir -p /srv/fdrest/control
[ -f /srv/fdrest/control/mode ] || echo ok >/srv/fdrest/control/mode
touch /srv/fdrest/calls.jsonl
if [ ! -s /srv/fdrest/cert.pem ] || [ ! -s /srv/fdrest/key.pem ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
        -keyout /srv/fdrest/key.pem -out /srv/fdrest/cert.pem -subj /CN=localhost \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:fd-rest" 2>/dev/null
    chmod 644 /srv/fdrest/cert.pem
fi
chmod -R a+rwX /srv/fdrest
exec python3 -u /opt/orchestrator-harness/fd_rest_standin.py --host 0.0.0.0 \
    --port 8080 --tls-port 8443 --cert /srv/fdrest/cert.pem --key /srv/fdrest/key.pem \
    --user "${FD_LOGIN:-fd-admin}" --password "${FD_PASS:-fd-admin-pass}" \
    --ldap-url "${LDAP_URL:-ldap://openldap:389}" --ldap-base "${LDAP_BASE:-dc=example,dc=org}" \
    --ldap-admin "${LDAP_ADMIN:-cn=admin,dc=example,dc=org}" --ldap-password "${LDAP_ADMIN_PASSWORD:-admin-secret}" \
    --control-dir /srv/fdrest/control --calls-file /srv/fdrest/calls.jsonl
