import type { Response } from 'express';

/** The design's response envelope: every JSON HTTP answer has this shape. */
export interface Envelope<T = unknown> {
  error: boolean;
  message: string;
  data?: T;
}

/**
 * Written straight to the socket: Express's res.json() looks the content type up in the
 * mime database on every answer, which showed in the profile of every service.
 */
export function sendEnvelope<T>(res: Response, status: number, body: Envelope<T>): void {
  const json = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(json));
  res.end(json);
}

/** Success of an action is 202 Accepted, as in the original system. */
export function sendAccepted<T>(res: Response, message: string, data?: T): void {
  sendEnvelope(
    res,
    202,
    data === undefined ? { error: false, message } : { error: false, message, data },
  );
}

export function sendOk<T>(res: Response, message: string, data?: T): void {
  sendEnvelope(
    res,
    200,
    data === undefined ? { error: false, message } : { error: false, message, data },
  );
}
