import { httpLoad } from '../load/http-load';
import { measureNodemailerPool } from '../references/nodemailer-pool';
import { countMailHogMessages } from '../stack/resources';
import { comparisonRow } from './rows';
import { type Scenario, aroundReference } from './scenario';
import { warmUp } from './warm-up';

const CONNECTIONS = 20;
const NAME = `mail through the broker (${CONNECTIONS} clients)`;
const MIN_RATIO = 0.8;

/**
 * Sends through the broker and the mail service to MailHog, against a bare pooled
 * nodemailer sender with the mail service's pool size. The run has a MailHog of its own
 * (see startStack), stopped with the stack.
 */
export const mailScenario: Scenario = {
  id: 'mail',
  expectedRows: [{ scenario: NAME, target: `>= ${MIN_RATIO}x` }],
  async run(context) {
    const { stack, signal, options } = context;
    const { mailbox } = stack.names;
    const poolSize = stack.effective.mailPoolSize;
    const bare = (durationS: number) =>
      measureNodemailerPool({
        host: stack.infra.mailHost,
        port: stack.infra.mailPort,
        poolSize,
        callers: CONNECTIONS,
        durationS,
        to: mailbox,
        signal,
      });
    const broker = (durationS: number) =>
      httpLoad({
        url: `${stack.urls.broker}/handle`,
        method: 'POST',
        body: {
          action: 'mail',
          mail: { from: 'a@example.com', to: mailbox, subject: 'bench', message: 'hello' },
        },
        connections: CONNECTIONS,
        durationS,
        expectStatus: 202,
        signal,
      });
    await warmUp(context, bare, broker);
    const { references, result } = await aroundReference(
      options.referencesTwice,
      () => bare(options.durationS),
      () => broker(options.durationS),
    );
    const delivered = await countMailHogMessages(stack.infra.mailhogApiUrl);
    return [
      comparisonRow({
        scenario: NAME,
        result,
        referenceLabel: `bare nodemailer pool of ${poolSize}`,
        references,
        minRatio: MIN_RATIO,
        notes: [`MAIL_POOL_SIZE ${poolSize}; ${delivered} mails in the run's own MailHog`],
      }),
    ];
  },
};
