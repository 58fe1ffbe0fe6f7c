# The release image of harden: the static (musl) binary on an empty base, run as an
# unprivileged user. .github/workflows/release.yml builds it from the binaries it has just
# built and checksummed, staged as <platform>/harden (linux/amd64/harden, linux/arm64/harden):
#   docker buildx build --platform linux/amd64,linux/arm64 -f Dockerfile dist/image
# Use: docker run --rm -v "$PWD:/src:ro" ghcr.io/<owner>/harden scan .
FROM scratch
ARG TARGETPLATFORM
COPY --chmod=0555 ${TARGETPLATFORM}/harden /usr/local/bin/harden
USER 65532:65532
WORKDIR /src
ENTRYPOINT ["/usr/local/bin/harden"]
CMD ["scan", "."]
