# One image for every process: `gateway` (default), `worker`, `migrate`, `scheduler`, …
# TypeScript runs through Node's type stripping, so the image holds the sources and no build output.
FROM node:22-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY src ./src
COPY adapters ./adapters
COPY skills ./skills
COPY migrations ./migrations
USER node
EXPOSE 3000 9464
ENTRYPOINT ["node", "bin/chatops.js"]
CMD ["gateway"]
