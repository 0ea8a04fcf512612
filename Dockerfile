# mcpbox gateway image. TypeScript runs natively on Node 24, so there is no build step: the image
# is the sources plus production dependencies. git is the control plane; util-linux provides
# unshare, which the sandbox uses for a network namespace where the kernel allows one.
FROM node:24-slim

RUN apt-get update \
 && apt-get install -y --no-install-recommends git util-linux ca-certificates curl \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY package.json package-lock.json ./
COPY core/package.json core/package.json
COPY sandbox/package.json sandbox/package.json
COPY reconciler/package.json reconciler/package.json
COPY gateway/package.json gateway/package.json
COPY site/package.json site/package.json
COPY worker/package.json worker/package.json
COPY bench/package.json bench/package.json
RUN npm ci --omit=dev --ignore-scripts

COPY bin bin
COPY core/src core/src
COPY sandbox/src sandbox/src
COPY reconciler/src reconciler/src
COPY gateway/src gateway/src
COPY tools-repo-template tools-repo-template
# The status site at /status/: the gateway imports its data composer, and serves the pages built here.
COPY tsconfig.json ./
COPY site/src site/src
COPY site/scripts site/scripts
COPY site/astro.config.mjs site/tsconfig.json site/
RUN ASTRO_TELEMETRY_DISABLED=1 npm run build -w site

ENV MCPBOX_DATA_DIR=/data \
    MCPBOX_HOST=0.0.0.0 \
    MCPBOX_PORT=8000 \
    NODE_ENV=production
# A new named volume takes the ownership of the image directory it is mounted on.
RUN mkdir -p /data && chown node:node /data
VOLUME ["/data"]
EXPOSE 8000
USER node
CMD ["node", "bin/mcpbox.js", "up"]
