import { ValidationError, parseInput } from '../src';
import {
  LOG_DATA_MAX_BYTES,
  isLogBatchResultList,
  logWriteSchema,
  parseLogEntry,
} from '../src/contracts';

describe('log entry schema', () => {
  it('accepts a name and string data, trimming the name', () => {
    expect(parseLogEntry({ name: ' event ', data: 'some data' })).toEqual({
      name: 'event',
      data: 'some data',
    });
    expect(parseLogEntry({ name: 'event', data: '' })).toEqual({ name: 'event', data: '' });
  });

  it.each([
    [{ data: 'x' }, 'name: is required'],
    [{ name: '', data: 'x' }, 'name: must not be empty'],
    [{ name: '   ', data: 'x' }, 'name: must not be empty'],
    [{ name: 'n'.repeat(257), data: 'x' }, 'name: must be at most 256 characters'],
    [{ name: 42, data: 'x' }, 'name: must be a string'],
    [{ name: 'event' }, 'data: is required'],
    [{ name: 'event', data: { nested: true } }, 'data: must be a string'],
    [
      { name: 'event', data: 'é'.repeat(LOG_DATA_MAX_BYTES / 2 + 1) },
      'data: must be at most 65536 bytes',
    ],
  ])('rejects %j with "%s"', (input, message) => {
    expect(() => parseLogEntry(input)).toThrow(ValidationError);
    expect(() => parseLogEntry(input)).toThrow(message);
  });

  it('accepts exactly the limits', () => {
    expect(() =>
      parseLogEntry({ name: 'n'.repeat(256), data: 'x'.repeat(LOG_DATA_MAX_BYTES) }),
    ).not.toThrow();
  });

  it('prefixes the field path, e.g. for the broker body', () => {
    expect(() => parseLogEntry({ name: 'n' }, 'log')).toThrow('log.data: is required');
  });

  it('takes an optional event id for the logger', () => {
    expect(parseInput(logWriteSchema, { name: 'n', data: 'd', event_id: 'abc' })).toEqual({
      name: 'n',
      data: 'd',
      event_id: 'abc',
    });
    expect(() => parseInput(logWriteSchema, { name: 'n', data: 'd', event_id: 7 })).toThrow(
      'event_id: must be a string',
    );
  });
});

describe('isLogBatchResultList', () => {
  it('accepts one known status per entry sent, nothing else', () => {
    const ok = [{ status: 'stored' }, { status: 'duplicate' }, { status: 'rejected', error: 'x' }];
    expect(isLogBatchResultList(ok, 3)).toBe(true);
    expect(isLogBatchResultList(ok, 2)).toBe(false);
    expect(isLogBatchResultList([{ status: 'logged' }], 1)).toBe(false);
    expect(isLogBatchResultList([null], 1)).toBe(false);
    expect(isLogBatchResultList(undefined, 0)).toBe(false);
  });
});
