// The signed-in user's access token. Kept in sessionStorage (this tab only, gone when it
// closes), never in localStorage. What the page reads of the token's claims is for display
// only: the broker checks the signature on every call.

const KEY = 'log-console.session';

function decodeClaims(token) {
  const part = token.split('.')[1] || '';
  const base64 = part.replace(/-/g, '+').replace(/_/g, '/');
  const json = new TextDecoder().decode(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  return JSON.parse(json);
}

/** A session from a login answer's data, or undefined when it holds no usable token. */
export function sessionFrom(data) {
  if (!data || typeof data.access_token !== 'string') return undefined;
  let claims;
  try {
    claims = decodeClaims(data.access_token);
  } catch {
    return undefined;
  }
  return {
    token: data.access_token,
    email: String(claims.email ?? data.email ?? ''),
    role: claims.role === 'admin' ? 'admin' : 'user',
    expiresAt: typeof claims.exp === 'number' ? claims.exp * 1000 : Date.now() + 60_000,
  };
}

export function saveSession(session) {
  sessionStorage.setItem(KEY, JSON.stringify(session));
}

export function loadSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(KEY) || 'null');
    if (session && typeof session.token === 'string' && session.expiresAt > Date.now()) {
      return session;
    }
  } catch {
    // a damaged entry is the same as none
  }
  sessionStorage.removeItem(KEY);
  return undefined;
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}
