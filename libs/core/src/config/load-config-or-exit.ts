import { AppConfig, ConfigError, loadConfig } from './app-config';

/** Start-up: the validated config, or exit code 2 with a message naming the bad variable. */
export function loadConfigOrExit(program: string): AppConfig {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(`${program}: invalid configuration: ${err.message}`);
      process.exit(2);
    }
    throw err;
  }
}
