# FusionDirectory REST stand-in for docker-compose.yml: harness/fdrest/fd_rest_standin.py on
# Debian's python3 (standard library only) with ldap-utils.  Build context: ./harness
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends python3 ldap-utils openssl \
 && rm -rf /var/lib/apt/lists/*
COPY fdrest/fd_rest_standin.py /opt/orchestrator-harness/fd_rest_standin.py
COPY docker/fdrest-entrypoint.sh /usr/local/bin/fdrest-entrypoint
RUN chmod 755 /usr/local/bin/fdrest-entrypoint
EXPOSE 8080 8443
ENTRYPOINT ["/usr/local/bin/fdrest-entrypoint"]
