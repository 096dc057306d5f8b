import { contentSecurityPolicy } from '../../src/http/content-security-policy';

function directives(policy: string): Map<string, string[]> {
  return new Map(
    policy.split(';').map((part) => {
      const [name = '', ...sources] = part.trim().split(/\s+/);
      return [name, sources];
    }),
  );
}

describe('contentSecurityPolicy', () => {
  const policy = directives(contentSecurityPolicy('http://localhost:8080'));

  it('allows scripts, styles and everything else only from the page server', () => {
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('style-src')).toEqual(["'self'"]);
    expect(policy.get('script-src-attr')).toEqual(["'none'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
  });

  it('never allows inline code or eval', () => {
    const all = [...policy.values()].flat();
    expect(all).not.toContain("'unsafe-inline'");
    expect(all).not.toContain("'unsafe-eval'");
    expect(
      all.some((source) => source.startsWith('http') && source !== 'http://localhost:8080'),
    ).toBe(false);
  });

  it("lets fetch() reach the page server and the broker's origin only", () => {
    expect(policy.get('connect-src')).toEqual(["'self'", 'http://localhost:8080']);
    const elsewhere = directives(contentSecurityPolicy('https://broker.example.test:8443/api'));
    expect(elsewhere.get('connect-src')).toEqual(["'self'", 'https://broker.example.test:8443']);
  });
});
