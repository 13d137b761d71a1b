import { ConfigError, loadConfig } from '@facestyle/core';
import { startWorker } from './start-worker';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`facestyle worker: invalid configuration: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  const worker = await startWorker(config);
  const shutdown = (signal: string) => {
    console.log(`facestyle worker: ${signal}: finishing running jobs (grace ${worker.graceMs} ms)`);
    worker.stop().then(
      () => process.exit(0),
      (err) => {
        console.error('facestyle worker: shutdown failed:', err);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((err) => {
  console.error(`facestyle worker failed to start: ${(err as Error).message}`);
  process.exit(1);
});
