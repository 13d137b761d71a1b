import { ZodError, ZodIssue } from 'zod';

/** One line per issue, each starting with the dotted path of the field it concerns. */
export function formatZodError(error: ZodError, root = 'body'): string {
  return error.issues.map((issue) => formatIssue(issue, root)).join('; ');
}

function formatIssue(issue: ZodIssue, root: string): string {
  const path = [root, ...issue.path].join('.');
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => `${path}.${key}: unknown field`).join('; ');
  }
  return `${path}: ${issue.message}`;
}
