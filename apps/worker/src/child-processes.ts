import fs from 'node:fs';

/**
 * Pids of this process's direct children (the sandboxed processors), read from /proc. Used to
 * pass SIGTERM on to them at shutdown; elsewhere than Linux it finds none and they are stopped by
 * the queue library when it closes.
 */
export function childPids(parent = process.pid): number[] {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return [];
  }
  const found: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces) start after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === parent) found.push(Number(entry));
    } catch {
      /* the process ended meanwhile */
    }
  }
  return found;
}
