import { TimeoutError, UnavailableError } from '@ms/service-kit';
import { smtpFailure } from '../../src/data/smtp-transport';

function nodemailerError(message: string, fields: { code?: string; responseCode?: number }) {
  return Object.assign(new Error(message), fields);
}

describe('smtpFailure', () => {
  it.each([
    ['a refused connection', 503, { code: 'ESOCKET' }, 'mail server unavailable'],
    ['a dropped connection', 503, { code: 'ECONNECTION' }, 'mail server unavailable'],
    ['an unknown host', 503, { code: 'EDNS' }, 'mail server unavailable'],
    ['a failed TLS upgrade', 503, { code: 'ETLS' }, 'mail server unavailable'],
    [
      '421 service not available',
      503,
      { code: 'ECONNECTION', responseCode: 421 },
      'mail server unavailable',
    ],
    ['a connection or greeting timeout', 504, { code: 'ETIMEDOUT' }, 'mail server timed out'],
    [
      'a rejected recipient',
      502,
      { code: 'EENVELOPE', responseCode: 550 },
      'mail server rejected the message',
    ],
    [
      'a rejected message',
      502,
      { code: 'EMESSAGE', responseCode: 554 },
      'mail server rejected the message',
    ],
    ['an unexpected reply', 502, { code: 'EPROTOCOL' }, 'mail server rejected the message'],
    [
      'a refused login',
      502,
      { code: 'EAUTH', responseCode: 535 },
      'mail server rejected the login',
    ],
    ['an error without a code', 503, {}, 'mail server unavailable'],
    [
      'a refused STARTTLS when TLS is required',
      503,
      { code: 'ETLS', responseCode: 500 },
      'mail server unavailable',
    ],
  ])('maps %s to %i', (_what, status, fields, message) => {
    const error = smtpFailure(
      nodemailerError('connect ECONNREFUSED smtp.internal.example:25', fields),
    );
    expect(error.status).toBe(status);
    expect(error.message).toBe(message);
  });

  it('turns the overall send deadline into 504 without the internal wording', () => {
    const error = smtpFailure(new TimeoutError('mail server timed out after 10000 ms'));
    expect(error.status).toBe(504);
    expect(error.message).toBe('mail server timed out');
  });

  it('keeps an error that already has its status', () => {
    const original = new UnavailableError('mail server unavailable');
    expect(smtpFailure(original)).toBe(original);
  });
});
