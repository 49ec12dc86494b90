# Multi-stage build: compile in the Rust image, run in a slim Debian with only the binary.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src

# The dependencies first, in a layer of their own that a change of our code does not invalidate:
# the manifests and the lock file, with empty sources standing in for every workspace member.
COPY Cargo.toml Cargo.lock ./
COPY crates/domain/Cargo.toml crates/domain/
COPY crates/storage/Cargo.toml crates/storage/
COPY crates/app/Cargo.toml crates/app/
COPY crates/api/Cargo.toml crates/api/
COPY migrations/Cargo.toml migrations/
COPY tests/Cargo.toml tests/
COPY bench/Cargo.toml bench/
RUN for lib in crates/domain/src/lib.rs crates/storage/src/lib.rs crates/app/src/lib.rs crates/api/src/lib.rs \
        migrations/src/lib.rs tests/lib.rs; do mkdir -p "$(dirname "$lib")" && : > "$lib"; done \
    && for bin in crates/api/src/main.rs bench/src/main.rs tests/api/main.rs; do \
        mkdir -p "$(dirname "$bin")" && echo 'fn main() {}' > "$bin"; done \
    && cargo build --release --locked -p implication-api --bin implication

# Then the real sources. COPY keeps their modification times, which may be older than the stand-ins'
# build: touch the crates' roots so that cargo rebuilds them, not just links the stand-ins.
COPY . .
RUN touch crates/domain/src/lib.rs crates/storage/src/lib.rs crates/app/src/lib.rs crates/api/src/lib.rs \
        crates/api/src/main.rs migrations/src/lib.rs \
    && cargo build --release --locked -p implication-api --bin implication

FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /data --create-home implication
COPY --from=build /src/target/release/implication /usr/local/bin/implication
USER implication
WORKDIR /data
# The SQLite database of the default DATABASE_URL: a volume, so that it outlives the container.
VOLUME /data
ENV BIND_ADDR=0.0.0.0:8080 \
    DATABASE_URL=sqlite:///data/implication.db \
    LOG_FORMAT=json
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --retries=5 CMD curl -fsS http://127.0.0.1:8080/health/ready || exit 1
ENTRYPOINT ["implication"]
CMD ["serve"]
