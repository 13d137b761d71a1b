/**
 * The one entry point processes use to start TF.js: it loads Facestyle's extra kernels (so the
 * wasm backend can train and render fast) before choosing the backend.
 */
export { initBackend as startBackend, activeBackend, BackendInfo } from './backend-choice';
