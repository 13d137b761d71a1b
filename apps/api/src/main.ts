import { loadConfigOrExit } from '@facestyle/core';
import { startApi } from './bootstrap';

startApi(loadConfigOrExit('facestyle api')).catch((err) => {
  console.error('facestyle api failed to start:', err);
  process.exit(1);
});
