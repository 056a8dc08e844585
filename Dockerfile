# Phantachat: two stages. The build stage has devDependencies (TypeScript, esbuild) and
# builds dist/; the run stage has production dependencies only and runs as a non-root user.
# test/process/production-tree.test.ts builds a tree the same way (npm ci, npm run build,
# npm prune --omit=dev) and chats with it, since docker is not on every test machine.

FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# Scripts off: `prepare` would build before the sources are here. esbuild's native binary
# comes from its platform package, so skipping its postinstall check changes nothing.
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev --ignore-scripts

FROM node:20-bookworm-slim AS run
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
# The image's own unprivileged user; the files stay root-owned, so the server cannot rewrite them.
USER node
ENV PORT=3000
EXPOSE 3000
# node itself is PID 1 and gets SIGTERM directly: `npm start` (sh -c on Debian) would not pass
# it on, and held polls would be cut instead of answered. The server handles SIGTERM and
# SIGINT itself, so no init is needed; `docker run --init` (tini) adds zombie reaping only.
CMD ["node", "dist/server/main.js"]
