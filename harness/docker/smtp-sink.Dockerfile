# SMTP sink for docker-compose.yml: harness/smtp/smtp_sink.py on python:3.11-slim.
# Build context: ./harness
FROM python:3.11-slim
RUN pip install --no-cache-dir 'aiosmtpd>=1.4,<1.5' \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssl \
 && rm -rf /var/lib/apt/lists/*
COPY smtp/smtp_sink.py /opt/orchestrator-harness/smtp_sink.py
COPY docker/smtp-sink-entrypoint.sh /usr/local/bin/smtp-sink-entrypoint
RUN chmod 755 /usr/local/bin/smtp-sink-entrypoint
EXPOSE 2525 2587 2465
ENTRYPOINT ["/usr/local/bin/smtp-sink-entrypoint"]
