/**
 * The route pattern Express matched for a request (`/logs/:id`, under its router's base
 * path), never the raw path; undefined before routing or when no route matched. Used for
 * the metrics' `route` label and the traces' server span names. No imports: the tracing
 * module loads it before anything is instrumented.
 */
export function routePattern(request: {
  route?: { path?: unknown };
  baseUrl?: string;
}): string | undefined {
  const path = request.route?.path;
  return path ? `${request.baseUrl ?? ''}${String(path)}` : undefined;
}
