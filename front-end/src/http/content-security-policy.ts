/**
 * The page's Content-Security-Policy: everything from this server only, no inline
 * scripts or styles, and fetch() may reach this server and the broker, nothing else.
 * `data:` images stay allowed because Bootstrap's CSS draws its small icons with them.
 */
export function contentSecurityPolicy(brokerUrl: string): string {
  const brokerOrigin = new URL(brokerUrl).origin;
  const directives: Record<string, string[]> = {
    'default-src': ["'self'"],
    'script-src': ["'self'"],
    'script-src-attr': ["'none'"],
    'style-src': ["'self'"],
    'img-src': ["'self'", 'data:'],
    'font-src': ["'self'"],
    'connect-src': ["'self'", brokerOrigin],
    'object-src': ["'none'"],
    'base-uri': ["'none'"],
    'form-action': ["'none'"],
    'frame-ancestors': ["'none'"],
  };
  return Object.entries(directives)
    .map(([name, sources]) => `${name} ${sources.join(' ')}`)
    .join('; ');
}
