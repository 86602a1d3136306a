# syntax=docker/dockerfile:1
# aliyun-response-exporter: tails log files for Alibaba Cloud API responses, serves Prometheus metrics.
#
#   docker build -t aliyun-response-exporter .      # podman: see README "Docker"
#   docker run --rm -p 9787:9787 \
#     -v /var/log/app:/var/log/app:ro \
#     -v exporter-state:/var/lib/aliyun-response-exporter \
#     aliyun-response-exporter
#
# Config: /etc/aliyun-response-exporter/config.yaml (a copy of config/examples/sidecar.yaml), named
# by ALIYUN_RESPONSE_EXPORTER_CONFIG so that `run` and `healthcheck` read the same file; mount your
# own over it. Checkpoints: /var/lib/aliyun-response-exporter (a volume).
# The base image is pinned by exact tag; bump both stages together.

# ---- build: all dependencies, bundle the TypeScript into dist/ (scripts/build.mjs) ----
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
# The build writes the validated catalogue from config/error-codes.yaml into the bundle.
COPY config/error-codes.yaml ./config/error-codes.yaml
RUN npm run build

# ---- runtime: production dependencies, compiled code and config only ----
FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production \
  ALIYUN_RESPONSE_EXPORTER_CONFIG=/etc/aliyun-response-exporter/config.yaml
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
COPY config ./config
COPY config/examples/sidecar.yaml /etc/aliyun-response-exporter/config.yaml
# The checkpoint folder must belong to the runtime user before it becomes a volume, so that a new
# named volume inherits the ownership.
RUN mkdir -p /var/lib/aliyun-response-exporter /var/log/app \
  && chown node:node /var/lib/aliyun-response-exporter
VOLUME ["/var/lib/aliyun-response-exporter"]
# The image's unprivileged user (uid 1000); it needs read access to the mounted logs.
USER node
EXPOSE 9787
# `healthcheck` reads the same config as `run` (listen address, TLS; ALIYUN_RESPONSE_EXPORTER_LISTEN
# too), so a re-ported or TLS-enabled container is checked where it listens. Exits 0 or 1.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "dist/cli.js", "healthcheck"]
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["run"]
