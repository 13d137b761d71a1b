# One image for the API and the worker (the compose file picks the command).
# CPU image: the worker falls back to the wasm backend. For NVIDIA GPUs build with
#   --build-arg TF_PACKAGE=@tensorflow/tfjs-node-gpu  (on a CUDA base image, see README).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json nx.json tsconfig.base.json eslint.config.mjs ./
COPY libs ./libs
COPY apps ./apps
RUN npm ci --no-audit --no-fund && npx nx run-many -t build --outputStyle=static && npm prune --omit=dev

FROM node:20-bookworm-slim
ARG TF_PACKAGE=
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app /app
RUN if [ -n "$TF_PACKAGE" ]; then npm install --no-save "$TF_PACKAGE@4.22.0"; fi
USER node
EXPOSE 3000 9464
CMD ["node", "apps/api/dist/main.js"]
