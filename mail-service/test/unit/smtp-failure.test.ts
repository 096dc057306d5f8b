import { TimeoutError, UnavailableError } from '@ms/service-kit';
import { smtpFailure } from '../../src/data/smtp-transport';

function nodemailerError(message: string, fields: { code?: string; responseCode?: number }) {
  return Object.assign(new Error(message), fields);
}

const unavailable = { status: 503, message: 'mail server unavailable' };
const timedOut = { status: 504, message: 'mail server timed out' };
const rejectedMessage = { status: 502, message: 'mail server rejected the message' };
const rejectedLogin = { status: 502, message: 'mail server rejected the login' };

describe('smtpFailure', () => {
  it.each([
    ['a refused connection', { code: 'ESOCKET' }, unavailable],
    ['a dropped connection', { code: 'ECONNECTION' }, unavailable],
    ['an unknown host', { code: 'EDNS' }, unavailable],
    ['a failed TLS upgrade', { code: 'ETLS' }, unavailable],
    ['421 service not available', { code: 'ECONNECTION', responseCode: 421 }, unavailable],
    ['a connection or greeting timeout', { code: 'ETIMEDOUT' }, timedOut],
    ['a rejected recipient', { code: 'EENVELOPE', responseCode: 550 }, rejectedMessage],
    ['a rejected message', { code: 'EMESSAGE', responseCode: 554 }, rejectedMessage],
    ['an unexpected reply', { code: 'EPROTOCOL' }, rejectedMessage],
    ['a refused login', { code: 'EAUTH', responseCode: 535 }, rejectedLogin],
    ['an error without a code', {}, unavailable],
    ['a refused STARTTLS when TLS is required', { code: 'ETLS', responseCode: 500 }, unavailable],
  ])('maps %s (%j) to %j', (_what, fields, expected) => {
    const error = smtpFailure(
      nodemailerError('connect ECONNREFUSED smtp.internal.example:25', fields),
    );
    expect({ status: error.status, message: error.message }).toEqual(expected);
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
