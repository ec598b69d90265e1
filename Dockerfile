# syntax=docker/dockerfile:1
# carpool's image for people with Docker; the daemonless build that CI proves is
# scripts/image (ko, see docs/image.md). Both give: a static binary built with CGO_ENABLED=0
# and -trimpath, version and commit stamped, at /ko-app/carpool as its entrypoint, on a
# distroless static non-root base, user 65532:65532, working directory and volume /data
# (the SQLite default lands there under a read-only root filesystem), the same OCI labels.
#   docker buildx build --platform linux/amd64,linux/arm64 \
#     --build-arg VERSION=$(git describe --tags --always) --build-arg COMMIT=$(git rev-parse HEAD) \
#     --build-arg CREATED=$(date -u +%Y-%m-%dT%H:%M:%SZ) -t REGISTRY/carpool:TAG --push .

FROM --platform=$BUILDPLATFORM golang:1.26 AS build
WORKDIR /src
# Modules first, in a cache mount, so a source change does not download them again.
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=bind,source=go.mod,target=go.mod \
    --mount=type=bind,source=go.sum,target=go.sum \
    go mod download
ARG TARGETOS TARGETARCH VERSION=dev COMMIT=unknown
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    --mount=type=bind,target=. \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH go build -trimpath \
      -ldflags "-s -w -X carpool/internal/buildinfo.Version=${VERSION} -X carpool/internal/buildinfo.Commit=${COMMIT}" \
      -o /out/carpool ./cmd/carpool \
 && mkdir /out/data

FROM gcr.io/distroless/static-debian12:nonroot
ARG VERSION=dev COMMIT=unknown CREATED SOURCE_URL
LABEL org.opencontainers.image.title="carpool" \
      org.opencontainers.image.description="Company carpool service: pool car reservations and shared rides" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${COMMIT}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.source="${SOURCE_URL}" \
      org.opencontainers.image.base.name="gcr.io/distroless/static-debian12:nonroot"
COPY --from=build --chown=65532:65532 /out/data /data
COPY --from=build /out/carpool /ko-app/carpool
USER 65532:65532
WORKDIR /data
VOLUME /data
EXPOSE 8080 9090
ENTRYPOINT ["/ko-app/carpool"]
