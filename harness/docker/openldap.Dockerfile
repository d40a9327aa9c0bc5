# OpenLDAP for docker-compose.yml: Debian's slapd + the project's schema and the
# base/demo fixture (harness/ldap).  Build context: ./harness
FROM debian:bookworm-slim
RUN printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d \
 && apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends slapd ldap-utils \
 && rm -rf /var/lib/apt/lists/* /usr/sbin/policy-rc.d
COPY ldap/ /opt/orchestrator-harness/ldap/
COPY docker/openldap-entrypoint.sh /usr/local/bin/openldap-entrypoint
RUN chmod 755 /usr/local/bin/openldap-entrypoint
VOLUME /var/lib/orchestrator-ldap
EXPOSE 389
HEALTHCHECK --interval=5s --timeout=3s --retries=20 \
  CMD ldapsearch -x -H ldap://127.0.0.1:389 -b "" -s base -LLL namingContexts >/dev/null || exit 1
ENTRYPOINT ["/usr/local/bin/openldap-entrypoint"]
