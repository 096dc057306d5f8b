import { parseEvent } from '../../src/domain/parse-event';

const json = (value: unknown) => Buffer.from(JSON.stringify(value));

describe('parseEvent', () => {
  it('turns a valid event into an entry with its messageId as event_id', () => {
    expect(
      parseEvent({
        content: json({ name: 'event', data: 'payload' }),
        messageId: 'm-1',
        failedAttempts: 0,
      }),
    ).toEqual({ kind: 'entry', entry: { name: 'event', data: 'payload', event_id: 'm-1' } });
  });

  it('leaves event_id out for an event without messageId', () => {
    expect(parseEvent({ content: json({ name: 'event', data: 'x' }), failedAttempts: 0 })).toEqual({
      kind: 'entry',
      entry: { name: 'event', data: 'x' },
    });
  });

  it('ignores fields other than name and data', () => {
    expect(
      parseEvent({
        content: json({ name: 'n', data: 'd', event_id: 'forged' }),
        messageId: 'real',
        failedAttempts: 0,
      }),
    ).toEqual({ kind: 'entry', entry: { name: 'n', data: 'd', event_id: 'real' } });
  });

  it('dead-letters a body that is not JSON', () => {
    expect(
      parseEvent({ content: Buffer.from('{not json'), messageId: 'm', failedAttempts: 0 }),
    ).toMatchObject({ kind: 'dead', reason: 'invalid_json' });
  });

  it.each([
    ['a missing name', { data: 'x' }, 'name'],
    ['an empty name', { name: ' ', data: 'x' }, 'name'],
    ['a number as data', { name: 'n', data: 42 }, 'data'],
    ['an array', [{ name: 'n', data: 'd' }], 'object'],
    ['null', null, 'object'],
  ])('dead-letters %s as invalid_shape, naming the problem', (_label, body, mentioned) => {
    const parsed = parseEvent({ content: json(body), messageId: 'm', failedAttempts: 0 });
    expect(parsed).toMatchObject({ kind: 'dead', reason: 'invalid_shape' });
    expect(parsed.kind === 'dead' && parsed.error).toContain(mentioned);
  });

  it('dead-letters a messageId too long to be an event id', () => {
    expect(
      parseEvent({
        content: json({ name: 'n', data: 'd' }),
        messageId: 'x'.repeat(200),
        failedAttempts: 0,
      }),
    ).toMatchObject({ kind: 'dead', reason: 'invalid_shape' });
  });

  it('dead-letters data over the size limit', () => {
    expect(
      parseEvent({
        content: json({ name: 'n', data: 'x'.repeat(70_000) }),
        messageId: 'm',
        failedAttempts: 0,
      }),
    ).toMatchObject({ kind: 'dead', reason: 'invalid_shape' });
  });
});
