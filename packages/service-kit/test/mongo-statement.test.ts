import { ObjectId } from 'mongodb';
import { mongoStatementShape } from '../src/tracing/mongo-statement';

it('masks every value and gives arrays as their length, whatever their size', () => {
  const documents = Array.from({ length: 500 }, (_, i) => ({
    name: `n${i}`,
    data: 'x'.repeat(100),
  }));
  expect(mongoStatementShape({ insert: 'logs', documents, ordered: false })).toBe(
    '{"insert":"?","documents":"[500]","ordered":"?"}',
  );
});

it('keeps the shape of a filter, with BSON values and dates as values', () => {
  const statement = mongoStatementShape({
    find: 'logs',
    filter: { _id: new ObjectId(), created_at: { $lt: new Date() }, name: 'secret' },
    limit: 10,
  });
  expect(statement).toBe(
    '{"find":"?","filter":{"_id":"?","created_at":{"$lt":"?"},"name":"?"},"limit":"?"}',
  );
  expect(statement).not.toContain('secret');
});

it('stops at the third level and after twenty keys', () => {
  const wide = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`k${i}`, i]));
  const shape = JSON.parse(mongoStatementShape({ a: { b: { c: { d: 1 } } }, wide })) as {
    a: unknown;
    wide: Record<string, unknown>;
  };
  expect(shape.a).toEqual({ b: { c: '{...}' } });
  expect(Object.keys(shape.wide)).toHaveLength(21);
  expect(shape.wide['...']).toBe('?');
});
