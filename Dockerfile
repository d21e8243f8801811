# ProTalent's container image: build with Swift, run on a slim Debian (docs/operations.md, "Container").
# No container engine runs on the project's machines: the tests lint this file (hadolint) and check
# that its runtime libraries are the ones the binary links; the build stage runs scripts/setup, the
# very script the tests' machines run.
#   docker build -t protalent .    docker run -p 8080:8080 -v protalent-data:/data protalent

# Build: the official Swift image on Debian 12, the system libraries from scripts/setup.
FROM swift:6.3-bookworm AS build
WORKDIR /src
COPY scripts/setup scripts/setup
RUN scripts/setup --build-only
COPY Package.swift ./
COPY Sources Sources
COPY Tests Tests
# The Swift runtime is linked statically, so the runtime stage needs no Swift.
RUN swift build -c release --product protalent --static-swift-stdlib \
    && install -D "$(swift build -c release --show-bin-path)/protalent" /out/protalent

# Run: the shared libraries the binary links (liblz4, libsqlite3, libssl/libcrypto, jemalloc) and curl for
# the health check; a non-root user; the data directory a volume.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends liblz4-1 libsqlite3-0 libssl3 libjemalloc2 ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 protalent \
    && useradd --system --uid 10001 --gid protalent --home-dir /data --no-create-home protalent \
    && mkdir -p /data \
    && chown protalent:protalent /data
COPY --from=build /out/protalent /usr/local/bin/protalent
COPY projections /usr/local/share/protalent/projections
ENV PROTALENT_HOST=0.0.0.0 \
    PROTALENT_PORT=8080 \
    PROTALENT_DATA_DIR=/data \
    PROTALENT_PROJECTIONS_DIR=/usr/local/share/protalent/projections \
    PROTALENT_LOG_FORMAT=json
USER 10001:10001
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["curl", "-fsS", "http://127.0.0.1:8080/health"]
ENTRYPOINT ["/usr/local/bin/protalent"]
CMD ["serve"]
