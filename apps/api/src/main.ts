import { ConfigError, loadConfig } from '@facestyle/core';
import { startApi } from './bootstrap';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`facestyle api: invalid configuration: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
  await startApi(config);
}

main().catch((err) => {
  console.error('facestyle api failed to start:', err);
  process.exit(1);
});
