# syntax=docker/dockerfile:1
#
# provscan container image: a static binary on distroless (no shell, no package
# manager), running as the unprivileged user nonroot (uid/gid 65532).
#
#   docker build --build-arg VERSION=$(git describe --tags --always --dirty) -t provscan:dev .
#   docker buildx build --platform linux/amd64,linux/arm64 --build-arg VERSION=... -t REGISTRY/provscan:TAG --push .
#
# The distroless static image carries the CA certificates that object storage
# over HTTPS needs (/etc/ssl/certs/ca-certificates.crt), tzdata and a passwd
# entry for nonroot. Pin both images by digest (FROM image:tag@sha256:...) for
# reproducible production builds.

# ---- build stage: runs on the builder's platform, cross-compiles for the target
FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS build

WORKDIR /src

# Modules in their own layer: rebuilt only when go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download && go mod verify

COPY . .

ARG VERSION=dev
ARG TARGETOS=linux
ARG TARGETARCH=amd64
# The same build as `make build` (main.version from VERSION), but static
# (CGO_ENABLED=0), without local paths (-trimpath) and without symbol tables;
# with the Makefile's build tag (no GCS gRPC DirectPath, unused by gs://).
RUN --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -tags disable_grpc_modules -ldflags "-s -w -X main.version=${VERSION}" -o /out/provscan ./cmd/provscan

# ---- final stage
FROM gcr.io/distroless/static-debian12:nonroot

ARG VERSION=dev
ARG REVISION=
ARG CREATED=
LABEL org.opencontainers.image.title="provscan" \
      org.opencontainers.image.description="Scans deliverables (folders or object storage buckets) for generative-AI provenance markers" \
      org.opencontainers.image.source="https://github.com/provscan/provscan" \
      org.opencontainers.image.licenses="Apache-2.0" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}"

COPY --from=build /out/provscan /provscan
COPY LICENSE /licenses/provscan/LICENSE

# Numeric (the distroless user nonroot): Kubernetes' runAsNonRoot can verify
# a numeric user only; with "nonroot:nonroot" it refuses to start the pod.
USER 65532:65532
WORKDIR /home/nonroot
ENTRYPOINT ["/provscan"]
CMD ["--help"]
