import type { Response } from 'express';

/** The design's response envelope: every JSON HTTP answer has this shape. */
export interface Envelope<T = unknown> {
  error: boolean;
  message: string;
  data?: T;
}

export function sendEnvelope<T>(res: Response, status: number, body: Envelope<T>): void {
  res.status(status).json(body);
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
