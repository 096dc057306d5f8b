import { JsonStreamSplitter } from '../../src/rpc/json-stream';

describe('JsonStreamSplitter', () => {
  it('splits newline-delimited messages', () => {
    const splitter = new JsonStreamSplitter();
    expect(splitter.push('{"id":1}\n{"id":2}\n')).toEqual(['{"id":1}', '{"id":2}']);
  });

  it('splits messages written back to back without a delimiter', () => {
    const splitter = new JsonStreamSplitter();
    expect(splitter.push('{"id":1}{"id":2}[{"id":3}]')).toEqual([
      '{"id":1}',
      '{"id":2}',
      '[{"id":3}]',
    ]);
  });

  it('keeps a message that arrives in pieces until it is complete', () => {
    const splitter = new JsonStreamSplitter();
    expect(splitter.push('{"id":1,"result":"a')).toEqual([]);
    expect(splitter.push('b"}\n{"id"')).toEqual(['{"id":1,"result":"ab"}']);
    expect(splitter.push(':2}')).toEqual(['{"id":2}']);
  });

  it('ignores braces and escaped quotes inside strings', () => {
    const splitter = new JsonStreamSplitter();
    const text = JSON.stringify({ id: 1, result: 'a } ] \\" { [ "quoted"' });
    expect(splitter.push(`${text.slice(0, 12)}`)).toEqual([]);
    expect(splitter.push(`${text.slice(12)}\n`)).toEqual([text]);
    expect(JSON.parse(text)).toEqual({ id: 1, result: 'a } ] \\" { [ "quoted"' });
  });

  it('refuses bytes that cannot start a JSON-RPC message', () => {
    const splitter = new JsonStreamSplitter();
    expect(() => splitter.push('HTTP/1.1 400 Bad Request\r\n')).toThrow(/unexpected "H"/);
  });

  it('refuses a message longer than the limit instead of buffering it forever', () => {
    const splitter = new JsonStreamSplitter(64);
    expect(() => splitter.push(`{"data":"${'x'.repeat(100)}`)).toThrow(/longer than 64/);
  });
});
