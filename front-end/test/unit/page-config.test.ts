import { runInNewContext } from 'node:vm';
import { pageConfigModule } from '../../src/page-config';

/** Evaluates the generated module's exported expression. */
function evaluate(moduleText: string): unknown {
  const match = /^export const pageConfig = (.*);\n$/s.exec(moduleText);
  expect(match).not.toBeNull();
  return runInNewContext(`(${match?.[1] ?? ''})`);
}

describe('pageConfigModule', () => {
  it('exports the broker and MailHog URLs as a frozen object', () => {
    const moduleText = pageConfigModule({
      brokerUrl: 'http://localhost:8080',
      mailhogUrl: 'http://localhost:8025',
    });
    const value = evaluate(moduleText);
    expect(value).toEqual({
      brokerUrl: 'http://localhost:8080',
      mailhogUrl: 'http://localhost:8025',
    });
    expect(Object.isFrozen(value)).toBe(true);
  });

  it('keeps odd characters inside the string literal', () => {
    const brokerUrl = 'http://localhost:8080/?q=\'"</script>`${x}`\u2028';
    expect(evaluate(pageConfigModule({ brokerUrl, mailhogUrl: 'http://m' }))).toEqual({
      brokerUrl,
      mailhogUrl: 'http://m',
    });
  });
});
