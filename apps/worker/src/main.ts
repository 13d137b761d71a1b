import { loadConfigOrExit } from '@facestyle/core';
import { startWorker } from './start-worker';

async function main(): Promise<void> {
  const worker = await startWorker(loadConfigOrExit('facestyle worker'));
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
