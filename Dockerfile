# syntax=docker/dockerfile:1

# ---- build ------------------------------------------------------------------
FROM rust:1-bookworm AS builder
WORKDIR /src

# 1. Dependencies only: the manifests plus empty stand-ins for every target, so this
#    layer is rebuilt only when Cargo.toml/Cargo.lock change.
COPY Cargo.toml Cargo.lock ./
COPY .cargo .cargo
COPY crates/domain/Cargo.toml crates/domain/Cargo.toml
COPY crates/storage/Cargo.toml crates/storage/Cargo.toml
COPY crates/server/Cargo.toml crates/server/Cargo.toml
COPY tests/Cargo.toml tests/Cargo.toml
COPY xtask/Cargo.toml xtask/Cargo.toml
COPY frontend/Cargo.toml frontend/Cargo.toml
RUN mkdir -p crates/domain/src crates/storage/src crates/server/src tests/support tests/api xtask/src frontend/src \
 && touch crates/domain/src/lib.rs crates/storage/src/lib.rs crates/server/src/lib.rs tests/support/lib.rs \
 && for f in crates/server/src/main.rs tests/api/main.rs xtask/src/main.rs frontend/src/main.rs; do echo 'fn main() {}' > "$f"; done \
 && cargo build --release --locked -p server --bin marketingos \
 && rm -rf crates/domain/src crates/storage/src crates/server/src tests/support tests/api xtask/src frontend/src

# The web app's toolchain: the wasm target and wasm-bindgen-cli at the Cargo.lock version.
RUN rustup target add wasm32-unknown-unknown \
 && cargo install wasm-bindgen-cli --version "$(grep -A1 '^name = "wasm-bindgen"$' Cargo.lock | sed -n 's/^version = "\(.*\)"$/\1/p')"

# 2. The real sources. COPY keeps the files' modification times, which can be older
#    than the stand-ins built above; touch them so cargo rebuilds the workspace crates.
COPY . .
RUN find crates tests xtask frontend -name '*.rs' -exec touch {} + \
 && cargo build --release --locked -p server --bin marketingos \
 && cp target/release/marketingos /usr/local/bin/marketingos \
 && cargo xtask build-spa \
 && cp -r frontend/dist /srv/static

# ---- runtime ----------------------------------------------------------------
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --user-group --uid 10001 --home-dir /app --shell /usr/sbin/nologin marketingos \
 && mkdir -p /app \
 && chown marketingos:marketingos /app
COPY --from=builder /usr/local/bin/marketingos /usr/local/bin/marketingos
COPY --from=builder /srv/static /app/static

WORKDIR /app
USER marketingos
ENV BIND_ADDR=0.0.0.0:8080 \
    STATIC_DIR=/app/static \
    LOG_FORMAT=json \
    RUST_LOG=info
EXPOSE 8080
CMD ["marketingos"]
