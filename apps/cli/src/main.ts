#!/usr/bin/env node
import { FACESTYLE_CLI } from './cli';
import { runCli } from './framework/dispatch';
import { processIo } from './framework/io';

// exitCode rather than exit(): lets stdout drain when it is a pipe (`facestyle … --json | jq`).
void runCli(process.argv.slice(2), FACESTYLE_CLI, processIo()).then((code) => {
  process.exitCode = code;
});
