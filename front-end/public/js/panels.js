// The Sent and Received panels and the output log. Server data only ever goes in through
// textContent, never as HTML.

import { timeOfDay } from './actions.js';

const sentRequest = document.getElementById('sent-request');
const sentBody = document.getElementById('sent');
const receivedPanel = document.getElementById('received-panel');
const receivedStatus = document.getElementById('received-status');
const receivedBody = document.getElementById('received');
const output = document.getElementById('output');

export function pretty(value) {
  if (value === undefined) return '';
  return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}

export function showSent(label, url, request) {
  sentRequest.classList.remove('text-body-secondary');
  sentRequest.textContent = `${label}: ${request.method} ${url}`;
  sentBody.textContent = request.body === undefined ? '(empty body)' : pretty(request.body);
}

export function showPending() {
  receivedPanel.dataset.state = 'pending';
  receivedStatus.textContent = 'Waiting for the broker…';
  receivedBody.textContent = '';
}

export function showAnswer(answer, success) {
  receivedPanel.dataset.state = success ? 'success' : 'error';
  const statusText = answer.statusText ? ` ${answer.statusText}` : '';
  receivedStatus.textContent = `${success ? '' : 'Error: '}HTTP ${answer.status}${statusText}`;
  receivedBody.textContent = pretty(answer.body);
}

export function showFailure(message) {
  receivedPanel.dataset.state = 'error';
  receivedStatus.textContent = 'Error: no answer from the broker';
  receivedBody.textContent = message;
}

export function appendOutput(text, outcome) {
  if (output.dataset.started !== 'true') {
    output.replaceChildren();
    output.dataset.started = 'true';
  }
  const line = document.createElement('li');
  line.className = `outcome-${outcome}`;
  const time = document.createElement('time');
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = timeOfDay(now);
  line.append(time, document.createTextNode(text));
  output.append(line);
  output.scrollTop = output.scrollHeight;
}
