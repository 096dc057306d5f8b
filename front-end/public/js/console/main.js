// The log console: sign in through the broker, search the logger's entries (by name, text
// and time, newest first, page by page), view one, delete one or all (admins), follow new
// entries (live tail). Server data is written with textContent only, never as HTML.
import { pageConfig } from '/config.js';
import { BrokerUnreachableError, createBrokerClient } from '/js/broker-client.js';
import { SEARCH_FIELDS, SIGN_IN_FIELDS, formField } from '/js/console/form-fields.js';
import { clearSession, loadSession, saveSession, sessionFrom } from '/js/console/session.js';

const PAGE_SIZE = 50;
const TAIL_INTERVAL_MS = 3000;

const $ = (id) => document.getElementById(id);
const broker = createBrokerClient(pageConfig.brokerUrl);
$('broker-url').textContent = broker.url;
$('sign-in-form').prepend(...SIGN_IN_FIELDS.map(formField));
$('search-form').prepend(...SEARCH_FIELDS.map(formField));

let session;
let expiryTimer;
let tailTimer;
/** The search on screen: its query (without cursor), where the next page starts, what is shown. */
let current = { query: {}, cursor: null, ids: new Set(), newest: undefined };
let selected;

// ---- session -----------------------------------------------------------------------------

function showSignIn(message) {
  session = undefined;
  clearSession();
  clearTimeout(expiryTimer);
  stopTail();
  $('live-tail').checked = false;
  $('session').hidden = true;
  $('console-view').hidden = true;
  $('sign-in-view').hidden = false;
  notice(message);
  $('results').replaceChildren();
  showDetail(undefined);
  $('email').focus();
}

function showConsole() {
  $('session-email').textContent = session.email;
  $('session-role').textContent = session.role;
  $('session').hidden = false;
  $('sign-in-view').hidden = true;
  $('console-view').hidden = false;
  $('delete-all').hidden = session.role !== 'admin';
  clearTimeout(expiryTimer);
  expiryTimer = setTimeout(
    () => showSignIn('Your session expired. Sign in again to go on.'),
    Math.max(0, session.expiresAt - Date.now()),
  );
  search();
}

function notice(message, kind = 'info') {
  const element = $('notice');
  element.textContent = message || '';
  element.className = `alert alert-${kind}`;
  element.hidden = !message;
}

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  $('sign-in-error').textContent = '';
  const email = $('email').value.trim();
  const password = $('password').value;
  if (!email || !password) {
    $('sign-in-error').textContent = 'Enter your email and password.';
    return;
  }
  let answer;
  try {
    answer = await broker.send({
      method: 'POST',
      path: '/handle',
      body: { action: 'auth', auth: { email, password } },
    });
  } catch (err) {
    $('sign-in-error').textContent = err.message;
    return;
  }
  const fresh = answer.status === 202 ? sessionFrom(answer.body && answer.body.data) : undefined;
  if (!fresh) {
    $('sign-in-error').textContent =
      answer.status === 401
        ? 'Wrong email or password.'
        : (answer.body && answer.body.message) || `Sign-in failed (HTTP ${answer.status}).`;
    return;
  }
  $('password').value = '';
  session = fresh;
  saveSession(session);
  notice('');
  showConsole();
});

$('sign-out').addEventListener('click', () => showSignIn('You signed out.'));

/** A console call with the token; a 401 ends the session, other failures are thrown. */
async function call(method, path) {
  if (!session) throw new Error('not signed in');
  let answer;
  try {
    answer = await broker.send({ method, path, token: session.token });
  } catch (err) {
    throw err instanceof BrokerUnreachableError ? err : new Error(String(err && err.message));
  }
  if (answer.status === 401) {
    showSignIn('Your session is no longer valid (expired or signed out). Sign in again.');
    throw new Error('signed out');
  }
  if (answer.status === 403) throw new Error('Only an admin may do this.');
  if (answer.status >= 300 || !answer.body || answer.body.error !== false) {
    throw new Error((answer.body && answer.body.message) || `HTTP ${answer.status}`);
  }
  return answer.body;
}

// ---- search ------------------------------------------------------------------------------

function queryFromForm() {
  const query = {};
  for (const { id, param, input } of SEARCH_FIELDS) {
    const value = $(id).value.trim();
    if (!value) continue;
    query[param] = input.type === 'datetime-local' ? new Date(value).toISOString() : value;
  }
  return query;
}

function pathOf(query, cursor) {
  const params = new URLSearchParams({ ...query, limit: String(PAGE_SIZE) });
  if (cursor) params.set('cursor', cursor);
  return `/logs/search?${params.toString()}`;
}

function status(text) {
  $('search-status').textContent = text;
}

async function search() {
  current = { query: queryFromForm(), cursor: null, ids: new Set(), newest: undefined };
  $('results').replaceChildren();
  showDetail(undefined);
  await loadPage();
}

async function loadPage() {
  status('Searching…');
  let body;
  try {
    body = await call('GET', pathOf(current.query, current.cursor));
  } catch (err) {
    if (session) status(`Search failed: ${err.message}`);
    return;
  }
  const page = body.data;
  // A text search without "from" was bounded by the logger: keep its range for later pages.
  if (page.from && !current.query.from) current.query.from = page.from;
  for (const entry of page.entries) appendEntry(entry, false);
  current.cursor = page.next_cursor;
  $('load-more').hidden = !page.next_cursor;
  const shown = `${current.ids.size} ${current.ids.size === 1 ? 'entry' : 'entries'} shown`;
  const range = page.from ? ` since ${new Date(page.from).toLocaleString()}` : '';
  status(
    page.complete
      ? `${shown}${range}.`
      : `${shown}${range}. The search stopped early (it has a time limit); Load more goes on.`,
  );
}

function entryButton(entry, isNew) {
  const button = document.createElement('button');
  button.type = 'button';
  button.className = isNew ? 'result is-new' : 'result';
  button.dataset.id = entry.id;
  const cell = (className, text) => {
    const span = document.createElement('span');
    span.className = className;
    span.textContent = text;
    return span;
  };
  button.append(
    cell('time', new Date(entry.created_at).toLocaleString()),
    cell('name', entry.name),
    cell('data', entry.data),
  );
  button.addEventListener('click', () => openEntry(entry.id));
  return button;
}

function appendEntry(entry, atTop) {
  if (current.ids.has(entry.id)) return;
  current.ids.add(entry.id);
  if (!current.newest || entry.created_at > current.newest) current.newest = entry.created_at;
  const item = document.createElement('li');
  item.append(entryButton(entry, atTop));
  if (atTop) $('results').prepend(item);
  else $('results').append(item);
}

$('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  search();
});
$('load-more').addEventListener('click', () => loadPage());

// ---- one entry ---------------------------------------------------------------------------

function showDetail(entry) {
  selected = entry;
  const fields = $('detail-fields');
  $('detail-empty').hidden = Boolean(entry);
  fields.hidden = !entry;
  $('delete-one').hidden = !entry || !session || session.role !== 'admin';
  for (const button of document.querySelectorAll('.result')) {
    button.setAttribute('aria-current', String(Boolean(entry) && button.dataset.id === entry.id));
  }
  if (!entry) return fields.replaceChildren();
  const rows = [];
  // Every field the logger sends, in its order (event_id, trace_id when tracing stores one).
  for (const [key, value] of Object.entries(entry)) {
    const term = document.createElement('dt');
    term.textContent = key;
    const description = document.createElement('dd');
    description.textContent = typeof value === 'string' ? value : JSON.stringify(value);
    rows.push(term, description);
  }
  fields.replaceChildren(...rows);
}

async function openEntry(id) {
  try {
    const body = await call('GET', `/logs/${encodeURIComponent(id)}`);
    showDetail(body.data);
    $('detail-title').focus();
  } catch (err) {
    if (session) status(`Could not open the entry: ${err.message}`);
  }
}

$('delete-one').addEventListener('click', async () => {
  if (!selected) return;
  const { id } = selected;
  try {
    await call('DELETE', `/logs/${encodeURIComponent(id)}`);
  } catch (err) {
    if (session) status(`Could not delete: ${err.message}`);
    return;
  }
  const button = document.querySelector(`.result[data-id="${CSS.escape(id)}"]`);
  button?.parentElement?.remove();
  current.ids.delete(id);
  showDetail(undefined);
  status('Entry deleted.');
  $('results-title').focus?.();
});

// ---- delete all --------------------------------------------------------------------------

const dialog = $('confirm-delete-all');
$('delete-all').addEventListener('click', () => {
  $('confirm-text').value = '';
  $('confirm-button').disabled = true;
  dialog.showModal();
  $('confirm-text').focus();
});
$('confirm-text').addEventListener('input', () => {
  $('confirm-button').disabled = $('confirm-text').value.trim().toLowerCase() !== 'delete all';
});
dialog.addEventListener('close', async () => {
  if (dialog.returnValue !== 'confirm') return;
  try {
    await call('DELETE', '/logs');
  } catch (err) {
    if (session) status(`Could not delete: ${err.message}`);
    return;
  }
  await search();
  status('Every entry was deleted.');
});

// ---- live tail ---------------------------------------------------------------------------

function stopTail() {
  clearInterval(tailTimer);
  tailTimer = undefined;
}

async function tail() {
  // The newest entries of the same search, from the newest one shown on (no cursor, no end).
  const { to: _to, ...query } = current.query;
  if (current.newest) query.from = current.newest;
  let body;
  try {
    body = await call('GET', pathOf(query, null));
  } catch (err) {
    if (session) status(`Live tail paused: ${err.message}`);
    return;
  }
  for (const entry of [...body.data.entries].reverse()) appendEntry(entry, true);
}

$('live-tail').addEventListener('change', (event) => {
  stopTail();
  if (event.target.checked) {
    tailTimer = setInterval(tail, TAIL_INTERVAL_MS);
    tail();
  }
});

// ---- start -------------------------------------------------------------------------------

session = loadSession();
if (session) showConsole();
else showSignIn('');
