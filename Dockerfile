# syntax=docker/dockerfile:1
# The tfgate image: one static (musl) binary on distroless/static, run as a
# non-root user. Plans are mounted, never baked in:
#   docker run --rm -v "$PWD:/work" ghcr.io/tfgate/tfgate check plan.json

FROM rust:1.95-alpine AS build
# mimalloc is C: the musl toolchain's headers. Alpine's Rust links musl statically.
# musl-dev is Alpine's, of the release the rust image pins: no version of its own.
# hadolint ignore=DL3018
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
ENV CARGO_PROFILE_RELEASE_STRIP=symbols CARGO_TERM_COLOR=never
RUN --mount=type=cache,target=/usr/local/cargo/registry \
    --mount=type=cache,target=/src/target \
    cargo build --release --locked -p tfgate \
    && cp target/release/tfgate /tfgate \
    && /tfgate --version

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /tfgate /usr/local/bin/tfgate
# distroless' nonroot user (65532), named by number so that a runtime that
# checks runAsNonRoot can verify it without /etc/passwd.
USER 65532:65532
WORKDIR /work
ENTRYPOINT ["/usr/local/bin/tfgate"]
CMD ["--help"]
