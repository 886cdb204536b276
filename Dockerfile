# A minimal image with fleetc on PATH: built statically against musl, run on Alpine (which keeps a
# shell for CI steps). `docker build -t fleetc .` then `docker run --rm -v "$PWD:/repo" -w /repo
# fleetc check`.
FROM rust:1-alpine AS build
RUN apk add --no-cache musl-dev
WORKDIR /src
COPY . .
RUN cargo build --release --locked && strip target/release/fleetc

FROM alpine:3
COPY --from=build /src/target/release/fleetc /usr/local/bin/fleetc
ENTRYPOINT ["fleetc"]
