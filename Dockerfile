# One image for cloud, edge and firmware-sim (the command picks the process).
FROM node:20-bookworm-slim
WORKDIR /app
# better-sqlite3 and serialport build native addons when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --omit=dev
COPY protocols ./protocols
COPY edge ./edge
COPY cloud ./cloud
COPY firmware-sim ./firmware-sim
COPY scripts ./scripts
COPY tsconfig.json ./
RUN mkdir -p /data && chown node:node /data
ENV NODE_ENV=production
USER node
CMD ["npx", "tsx", "cloud/src/main.ts"]
