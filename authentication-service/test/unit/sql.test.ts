import { parseStatements, statements } from '../../src/data/sql';

describe('sql/users.sql', () => {
  it('holds every statement the service runs, with values as $n parameters', () => {
    const sql = statements();
    expect(sql['find-user-by-email']).toMatch(/WHERE lower\(email\) = lower\(\$1\);$/);
    expect(sql['insert-user']).toContain('VALUES ($1, $2, $3, $4, $5, $6)');
    expect(sql['create-schema']).toMatch(/^CREATE TABLE IF NOT EXISTS users/);
  });

  it('refuses a file that lacks a statement', () => {
    expect(() => parseStatements('-- name: count-users\nSELECT 1;')).toThrow(
      'statement "take-migration-lock" is missing',
    );
  });
});
