/** Gatys style-transfer renders: pure ML core (no queue, storage or HTTP; I/O through injected functions). */
export * from './gram-matrix';
export * from './image-io';
export * from './large-render';
export * from './pixel-adam';
export * from './preserve-colors';
export * from './read-file-io-handler';
export * from './render-objective';
export * from './render-options';
export * from './render-state';
export * from './style-losses';
export * from './style-renderer';
export * from './style-targets';
export * from './tiling';
export * from './vgg-layers';
export * from './vgg-loader';
export * from './vgg-preprocess';
