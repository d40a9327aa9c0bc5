# syntax=docker/dockerfile:1
# FusionDirectory Orchestrator: release build in the official Swift image, run
# on Debian bookworm-slim, with the cron client beside it.  Used by docker-compose.yml
# (service "orchestrator"); the client: `docker run --entrypoint fusiondirectory-orchestrator-client …`.
#   docker build -t fusiondirectory-orchestrator .
#   docker run --rm -p 8080:8080 -e FD_LDAP_MASTER_URL=... fusiondirectory-orchestrator
# The Swift image must be at least the package's swift-tools-version (6.1).
ARG SWIFT_IMAGE=swift:6.1-bookworm

FROM ${SWIFT_IMAGE} AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libldap2-dev libcurl4-openssl-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /build
# Dependencies first (cached while only Sources/ change).  Package.resolved is
# optional: the bracket glob copies it when it exists.
COPY Package.swift Package.resolve[d] ./
RUN swift package resolve
COPY Sources ./Sources
COPY Tests ./Tests
RUN swift build -c release --product fusiondirectory-orchestrator --static-swift-stdlib \
 && swift build -c release --product fusiondirectory-orchestrator-client --static-swift-stdlib \
 && bin="$(swift build -c release --show-bin-path)" \
 && mkdir -p /staging \
 && cp "$bin/fusiondirectory-orchestrator" "$bin/fusiondirectory-orchestrator-client" /staging/ \
 && (cp -R "$bin"/*.resources /staging/ 2>/dev/null || true)

FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
        libldap-2.5-0 libcurl4 ca-certificates tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /nonexistent --shell /usr/sbin/nologin orchestrator
COPY --from=build /staging/ /usr/local/bin/
USER orchestrator
ENV ORCHESTRATOR_LISTEN=0.0.0.0:8080
EXPOSE 8080
ENTRYPOINT ["fusiondirectory-orchestrator", "serve"]
