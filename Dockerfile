# syntax=docker/dockerfile:1.7
#
# Agent Team container image.
#
#   docker build -t agent-team .
#   docker run -p 8080:8080 -v agent-team-data:/data \
#     -e AUTH_SECRET_FILE=/run/secrets/auth_secret ... agent-team
#
# Base image tags are pinned to exact versions on purpose: a floating tag (`rust:1`,
# `debian:bookworm-slim`) would change the compiler or the OS under us between two builds of the
# same commit. To bump them:
#   - Rust: change `channel` in rust-toolchain.toml AND the builder tag below together (the build
#     fails fast if they disagree). Tags: https://hub.docker.com/_/rust (`<x.y.z>-slim-bookworm`).
#   - Debian: pick the newest 12.x point release at https://hub.docker.com/_/debian
#     (`12.<n>-slim`). Keep it on the same Debian release as the builder (bookworm = 12) so the
#     binary's glibc matches.
# Requires BuildKit (the default builder since Docker 23) for the cache mounts.

############################################################################################
# Builder
############################################################################################
FROM rust:1.95.0-slim-bookworm AS builder

# The slim Rust image already ships gcc and libc6-dev, which is all the C code needs
# (aws-lc-sys for rustls, bundled SQLite); no cmake, no OpenSSL.

WORKDIR /build
COPY . .

ARG TARGETARCH

# Dependencies are cached with BuildKit cache mounts instead of a stub-source layer (which is
# brittle for a six-crate workspace). The target directory lives in the cache mount, so the
# binary must be copied out within the same RUN.
#
# RUSTUP_TOOLCHAIN makes rustup use the image's own toolchain rather than try to download the
# rustfmt/clippy components listed in rust-toolchain.toml (not needed to build); the grep keeps
# the two from silently drifting apart.
RUN --mount=type=cache,id=agent-team-cargo-registry,target=/usr/local/cargo/registry,sharing=locked \
    --mount=type=cache,id=agent-team-cargo-git,target=/usr/local/cargo/git,sharing=locked \
    --mount=type=cache,id=agent-team-target-${TARGETARCH},target=/build/target,sharing=locked \
    set -eux; \
    grep -Eq "^channel[[:space:]]*=[[:space:]]*\"${RUST_VERSION}\"" rust-toolchain.toml \
      || { echo "rust-toolchain.toml does not pin ${RUST_VERSION}: update the builder image tag" >&2; exit 1; }; \
    export RUSTUP_TOOLCHAIN="${RUST_VERSION}"; \
    cargo build --release --locked -p agent-team; \
    mkdir -p /out; \
    cp target/release/agent-team /out/agent-team

############################################################################################
# Runtime
############################################################################################
FROM debian:12.13-slim AS runtime

LABEL org.opencontainers.image.title="agent-team" \
      org.opencontainers.image.description="Self-hosted backend for sales-team AI assistants" \
      org.opencontainers.image.licenses="Apache-2.0"

# CA certificates only: outbound TLS (LLM endpoint, S3, PostgreSQL, rediss://) uses rustls but
# trusts the system roots. Nothing else; there is no shell tooling to attack.
RUN set -eux; \
    apt-get update; \
    apt-get install -y --no-install-recommends ca-certificates; \
    apt-get clean; \
    rm -rf /var/lib/apt/lists/*

# A fixed, unprivileged, home-less account: a fixed UID/GID lets operators chown volumes and
# secret files ahead of time. /data holds every runtime file (SQLite database, objects, ...).
# /app is the empty working directory, owned by root, so nothing (a stray .env in particular,
# which APP_ENV=prod refuses) can be written there at run time.
RUN set -eux; \
    groupadd --system --gid 10001 agent; \
    useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin agent; \
    install -d -o 10001 -g 10001 -m 0750 /data; \
    install -d -o root -g root -m 0755 /app

COPY --from=builder /out/agent-team /usr/local/bin/agent-team

# HOST=0.0.0.0 is set only in the image, so the port can be published: the binary itself defaults
# to 127.0.0.1 and never listens on all interfaces unless told to.
# AUTH_SECRET is deliberately absent: pass it at run time, preferably as AUTH_SECRET_FILE
# pointing at a mounted secret. APP_ENV=prod refuses to start without it.
ENV HOST=0.0.0.0 \
    PORT=8080 \
    DATA_DIR=/data \
    APP_ENV=prod

WORKDIR /app

# Declared after the chown above so a fresh named volume inherits the agent ownership.
VOLUME ["/data"]

USER 10001:10001

EXPOSE 8080

# No curl in the image: the binary probes its own /healthz (on loopback when HOST is 0.0.0.0).
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["/usr/local/bin/agent-team", "healthcheck"]

# The server drains in-flight requests on SIGTERM for up to SHUTDOWN_GRACE (default 30s). Docker
# kills after 10s by default, so give `docker stop -t` / compose `stop_grace_period` a little
# more than SHUTDOWN_GRACE.
STOPSIGNAL SIGTERM

# Exec form: the binary is PID 1 and receives SIGTERM directly (no shell in between).
ENTRYPOINT ["/usr/local/bin/agent-team"]
CMD ["serve"]
