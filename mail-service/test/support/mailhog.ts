/** Reads back what a MailHog received, through its HTTP API (v2). */

export interface MailHogPart {
  Headers: Record<string, string[]>;
  Body: string;
  MIME: { Parts: MailHogPart[] } | null;
}

export interface MailHogMessage {
  ID: string;
  /** The SMTP envelope: MAIL FROM and RCPT TO. */
  Raw: { From: string; To: string[]; Data: string };
  Content: { Headers: Record<string, string[]>; Body: string };
  MIME: { Parts: MailHogPart[] } | null;
}

async function api(apiUrl: string, path: string, method = 'GET'): Promise<Response> {
  const response = await fetch(new URL(path, apiUrl), {
    method,
    signal: AbortSignal.timeout(5000),
  });
  if (!response.ok) throw new Error(`MailHog ${method} ${path} answered ${response.status}`);
  return response;
}

/** Messages whose envelope recipients or To header contain the address. */
export async function messagesTo(apiUrl: string, address: string): Promise<MailHogMessage[]> {
  const query = new URLSearchParams({ kind: 'to', query: address, limit: '100' });
  const response = await api(apiUrl, `/api/v2/search?${query}`);
  const body = (await response.json()) as { items: MailHogMessage[] };
  return body.items;
}

export async function allMessages(apiUrl: string): Promise<MailHogMessage[]> {
  const response = await api(apiUrl, '/api/v2/messages?limit=1000');
  return ((await response.json()) as { items: MailHogMessage[] }).items;
}

export async function deleteMessages(apiUrl: string, messages: MailHogMessage[]): Promise<void> {
  for (const message of messages) await api(apiUrl, `/api/v1/messages/${message.ID}`, 'DELETE');
}

export function header(message: MailHogMessage, name: string): string | undefined {
  return message.Content.Headers[name]?.join(', ');
}

/**
 * The leaf part with that content type, decoded from its transfer encoding, with the
 * wire's CRLF line ends as LF. MailHog keeps no final line end: it belongs to the boundary.
 */
export function partBody(message: MailHogMessage, contentType: string): string | undefined {
  const part = findPart(message.MIME?.Parts ?? [], contentType);
  if (!part) return undefined;
  const encoding = (part.Headers['Content-Transfer-Encoding']?.[0] ?? '7bit').toLowerCase();
  const decoded =
    encoding === 'base64'
      ? Buffer.from(part.Body, 'base64').toString('utf8')
      : encoding === 'quoted-printable'
        ? decodeQuotedPrintable(part.Body)
        : part.Body;
  return decoded.replace(/\r\n/g, '\n');
}

function findPart(parts: MailHogPart[], contentType: string): MailHogPart | undefined {
  for (const part of parts) {
    if (part.MIME) {
      const nested = findPart(part.MIME.Parts, contentType);
      if (nested) return nested;
    } else if (part.Headers['Content-Type']?.[0]?.startsWith(contentType)) {
      return part;
    }
  }
  return undefined;
}

function decodeQuotedPrintable(body: string): string {
  const bytes: number[] = [];
  const unfolded = body.replace(/=\r?\n/g, '');
  for (let i = 0; i < unfolded.length; i++) {
    const hex = unfolded.slice(i + 1, i + 3);
    if (unfolded[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(unfolded[i] ?? '', 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}
