import { readFileSync } from 'node:fs';
import path from 'node:path';

/** sql/ sits next to src/ and dist/, so the same relative path works for tsx and node. */
export const SQL_FILE = path.resolve(__dirname, '../../sql/users.sql');

const STATEMENT_NAMES = [
  'take-migration-lock',
  'create-schema',
  'has-role-column',
  'add-role-column',
  'promote-seed-admin',
  'count-users',
  'insert-user',
  'find-user-by-email',
  'create-login-failures',
  'count-login-failure',
  'uncount-login-failure',
  'get-login-failures',
  'forgive-login-failures',
  'delete-expired-login-failures',
] as const;

export type StatementName = (typeof STATEMENT_NAMES)[number];
export type Statements = Record<StatementName, string>;

/** Splits the file at its "-- name: <name>" lines; a missing statement fails at start-up. */
export function parseStatements(text: string): Statements {
  const found = new Map<string, string[]>();
  let current: string[] | undefined;
  for (const line of text.split('\n')) {
    const header = /^--\s*name:\s*([\w-]+)\s*$/.exec(line);
    if (header?.[1]) {
      current = [];
      found.set(header[1], current);
    } else {
      current?.push(line);
    }
  }
  const statements = {} as Statements;
  for (const name of STATEMENT_NAMES) {
    const body = found.get(name)?.join('\n').trim();
    if (!body) throw new Error(`${SQL_FILE}: statement "${name}" is missing`);
    statements[name] = body;
  }
  return statements;
}

let cached: Statements | undefined;

export function statements(): Statements {
  cached ??= parseStatements(readFileSync(SQL_FILE, 'utf8'));
  return cached;
}
