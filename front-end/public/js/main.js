// Wires the page: each button sends its request to the broker, shows what went and what
// came back, and log actions refresh the table so each entry is seen landing.

import { pageConfig } from '/config.js';
import { requestFor } from './actions.js';
import { createBrokerClient, isSuccess } from './broker-client.js';
import { createLogTable } from './log-table.js';
import { appendOutput, showAnswer, showFailure, showPending, showSent } from './panels.js';

const TABLE_REFRESH_MS = 5000;
// RabbitMQ entries are stored a moment after the broker answers (listener, then logger):
// look again soon after a log click, so the entry shows up before other entries bury it.
const LATE_ENTRY_RECHECKS_MS = [500, 1500, 3000];

const broker = createBrokerClient(pageConfig.brokerUrl);
const logTable = createLogTable(broker);
let latestClick = 0;

document.getElementById('broker-url').textContent = pageConfig.brokerUrl;
document.getElementById('mailhog-link').href = pageConfig.mailhogUrl;

for (const button of document.querySelectorAll('button[data-action]')) {
  button.addEventListener('click', () => runAction(button));
}
document.getElementById('refresh-logs').addEventListener('click', () => logTable.refresh());

async function runAction(button) {
  const label = button.textContent.trim();
  const request = requestFor(button.dataset.action);
  const click = ++latestClick;
  showSent(label, broker.url + request.path, request);
  showPending();
  try {
    const answer = await broker.send(request);
    const success = isSuccess(answer);
    // A slower, earlier click must not overwrite the panels of a newer one.
    if (click === latestClick) showAnswer(answer, success);
    const message = answer.body && answer.body.message;
    appendOutput(
      `${label}: ${answer.status}${message ? ` ${message}` : ''}`,
      success ? 'success' : 'error',
    );
  } catch (err) {
    if (click === latestClick) showFailure(err.message);
    appendOutput(`${label}: ${err.message}`, 'error');
  }
  if (request.isLog) {
    await logTable.refresh();
    for (const delayMs of LATE_ENTRY_RECHECKS_MS) setTimeout(() => logTable.refresh(), delayMs);
  }
}

logTable.refresh();
setInterval(() => logTable.refresh(), TABLE_REFRESH_MS);
