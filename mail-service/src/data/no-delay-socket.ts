import { type Socket, connect } from 'node:net';

export interface NoDelaySocketOptions {
  host: string;
  port: number;
  connectionTimeoutMs: number;
}

type GetSocket = (
  options: unknown,
  callback: (err: Error | null, socketOptions: { connection: Socket }) => void,
) => void;

/**
 * nodemailer's `getSocket` hook, handing it TCP connections with Nagle's algorithm off.
 *
 * Why: nodemailer writes a message and its closing "\r\n.\r\n" as separate small
 * writes. With Nagle on (Node's default for raw sockets) the closing write waits for
 * the server to acknowledge the message, and the server delays that ACK (40 ms on
 * Linux) because it has nothing to answer yet: every send took ~44 ms against MailHog.
 *
 * The socket is handed over while it is still connecting, so that nodemailer's error
 * handling owns it from the start (a failed connection is removed from the pool);
 * nodemailer then counts its greeting timeout from the hand-over, not from connect.
 */
export function noDelaySocket(options: NoDelaySocketOptions): GetSocket {
  return (_nodemailerOptions, callback) => {
    const socket = connect({ host: options.host, port: options.port, noDelay: true });
    socket.setKeepAlive(true);
    const timer = setTimeout(() => {
      socket.destroy(new Error(`connection timeout after ${options.connectionTimeoutMs} ms`));
    }, options.connectionTimeoutMs);
    const done = () => clearTimeout(timer);
    socket.once('connect', done);
    socket.once('close', done);
    callback(null, { connection: socket });
  };
}
