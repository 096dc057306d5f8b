// The "Recent log entries" table: the newest entries the logger stored, read through the
// broker's GET /logs. Cells are filled with textContent only.

const LIMIT = 20;

const body = document.getElementById('logs-body');
const status = document.getElementById('logs-status');

export function createLogTable(broker) {
  let seenIds;
  let running;
  let again = false;

  async function load() {
    let answer;
    try {
      answer = await broker.send({ method: 'GET', path: `/logs?limit=${LIMIT}` });
    } catch (err) {
      return showStatus(`Could not load log entries: ${err.message}`, true);
    }
    const entries = answer.body && answer.body.data;
    if (answer.status !== 200 || !Array.isArray(entries)) {
      const reason = (answer.body && answer.body.message) || `HTTP ${answer.status}`;
      return showStatus(`Could not load log entries: ${reason}`, true);
    }
    render(entries);
    showStatus(
      `${entries.length} newest ${entries.length === 1 ? 'entry' : 'entries'}, ` +
        `updated ${shortTimestamp(new Date())}`,
      false,
    );
  }

  function render(entries) {
    const previous = seenIds;
    seenIds = new Set();
    const rows = entries.map((entry) => {
      const id = String(entry.id ?? entry._id ?? '');
      seenIds.add(id);
      const row = document.createElement('tr');
      if (previous && !previous.has(id)) row.className = 'is-new';
      row.dataset.id = id;
      row.append(
        timeCell(entry.created_at),
        textCell(entry.name, 'cell-name'),
        textCell(entry.data, 'cell-data'),
      );
      return row;
    });
    if (rows.length === 0) {
      const row = document.createElement('tr');
      const cell = textCell('No log entries yet.', 'text-body-secondary');
      cell.colSpan = 3;
      row.append(cell);
      rows.push(row);
    }
    body.replaceChildren(...rows);
  }

  function showStatus(text, isError) {
    status.textContent = text;
    status.classList.toggle('is-error', isError);
  }

  /** Refreshes now; a call during a refresh queues exactly one more, so none is lost. */
  async function refresh() {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      do {
        again = false;
        await load();
      } while (again);
    })();
    try {
      await running;
    } finally {
      running = undefined;
    }
  }

  return { refresh };
}

function textCell(value, className) {
  const cell = document.createElement('td');
  if (className) cell.className = className;
  cell.textContent = value === undefined || value === null ? '' : String(value);
  return cell;
}

function timeCell(value) {
  const cell = textCell('', 'cell-time');
  const date = new Date(value);
  if (value && !Number.isNaN(date.getTime())) {
    const time = document.createElement('time');
    time.dateTime = date.toISOString();
    time.title = date.toString();
    time.textContent = shortTimestamp(date);
    cell.append(time);
  } else {
    cell.textContent = value === undefined || value === null ? '' : String(value);
  }
  return cell;
}

/** Time of day for today's entries (the usual case), date and time for older ones. */
function shortTimestamp(date) {
  const pad = (value) => String(value).padStart(2, '0');
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}`;
  if (date.toDateString() === new Date().toDateString()) return time;
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${time}`;
}
