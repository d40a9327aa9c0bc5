#!/bin/sh
# Entry point of the smtp-sink compose service.  Messages go to /srv/mail (bind
# mount ./.run/compose-mail); control dir, connection counter and the
# self-signed certificate (SAN localhost, 127.0.0.1, smtp-sink) go to /srv/smtp
# (bind mount ./.run/compose-smtp).
set -eu
mkdir -p /srv/mail /srv/smtp/control
[ -f /srv/smtp/control/mode ] || echo accept >/srv/smtp/control/mode
if [ ! -s /srv/smtp/cert.pem ] || [ ! -s /srv/smtp/key.pem ]; then
    openssl req -x509 -newkey rsa:2048 -nodes -sha256 -days 3650 \
        -keyout /srv/smtp/key.pem -out /srv/smtp/cert.pem -subj /CN=localhost \
        -addext "subjectAltName=DNS:localhost,IP:127.0.0.1,DNS:smtp-sink" 2>/dev/null
    chmod 644 /srv/smtp/cert.pem
fi
exec python -u /opt/orchestrator-harness/smtp_sink.py --host 0.0.0.0 \
    --plain-port 2525 --starttls-port 2587 --tls-port 2465 \
    --cert /srv/smtp/cert.pem --key /srv/smtp/key.pem \
    --maildir /srv/mail --control-dir /srv/smtp/control \
    --connections-file /srv/smtp/connections \
    --user "${SMTP_USER:-mailer}" --password "${SMTP_PASS:-mailer-pass}"
