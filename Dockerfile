# syntax=docker/dockerfile:1
# aliyun-response-exporter: tails log files for Alibaba Cloud API responses, serves Prometheus metrics.
#
#   docker build -t aliyun-response-exporter .
#   docker run --rm -p 9787:9787 \
#     -v /var/log/app:/var/log/app:ro \
#     -v exporter-state:/var/lib/aliyun-response-exporter \
#     aliyun-response-exporter
#
# Config: /etc/aliyun-response-exporter/config.yaml (a copy of config/examples/sidecar.yaml);
# mount your own file or folder over it. Checkpoints: /var/lib/aliyun-response-exporter (a volume).
# The base image is pinned by exact tag; bump both stages together.

# ---- build: all dependencies, compile TypeScript to dist/ ----
FROM node:20.20.2-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# ---- runtime: production dependencies, compiled code and config only ----
FROM node:20.20.2-bookworm-slim AS runtime
ENV NODE_ENV=production
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
# No curl in the slim image: node's fetch does the probe. Port 9787 is the default listen port;
# override HEALTHCHECK (or use your orchestrator's probes) if you change it.
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:9787/healthz',{signal:AbortSignal.timeout(4000)}).then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["node", "dist/cli.js"]
CMD ["run", "--config", "/etc/aliyun-response-exporter/config.yaml"]
