# taskrest: one image for both services of docker-compose.yml
# (`api` runs `taskrest api`, `worker` runs `taskrest worker`).
FROM node:24-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# taskrest-client is a workspace of the repo: npm ci links it from here.
COPY packages/taskrest-client/package.json ./packages/taskrest-client/
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json rolldown.config.mjs ./
COPY packages/taskrest-client/tsconfig.json ./packages/taskrest-client/
COPY library ./library
COPY bin ./bin
COPY shared ./shared
COPY worker ./worker
COPY producer ./producer
COPY api ./api
COPY cli ./cli
COPY bench ./bench
COPY history ./history
# The console's sources and Vite config: `npm run build` bundles them into dist/console.
COPY console ./console
# Build, then drop the dev dependencies (TypeScript, vitest, playwright-core, ...).
RUN npm run build && npm prune --omit=dev

FROM node:24-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages/taskrest-client ./packages/taskrest-client
COPY --from=build /app/dist ./dist
USER node
ENTRYPOINT ["node", "dist/bundle/taskrest.js"]
CMD ["api"]
