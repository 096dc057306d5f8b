// Talks to the broker with fetch and turns every outcome into one of three shapes the page
// can show: an answer (any HTTP status), "could not reach the broker", or "timed out".

const REQUEST_TIMEOUT_MS = 15000;

export class BrokerUnreachableError extends Error {
  constructor(message, options) {
    super(message, options);
    this.name = 'BrokerUnreachableError';
  }
}

export function createBrokerClient(brokerUrl) {
  async function send({ method, path, body, token }) {
    const url = brokerUrl + path;
    const init = {
      method,
      headers: { Accept: 'application/json' },
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    };
    // The log console's routes: the signed-in user's access token.
    if (token) init.headers.Authorization = `Bearer ${token}`;
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await fetch(url, init);
    } catch (err) {
      throw unreachable(err);
    }
    let text;
    try {
      text = await response.text();
    } catch (err) {
      throw unreachable(err);
    }
    return { status: response.status, statusText: response.statusText, body: parseBody(text) };
  }

  function unreachable(err) {
    if (err && (err.name === 'TimeoutError' || err.name === 'AbortError')) {
      return new BrokerUnreachableError(
        `The broker at ${brokerUrl} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s.`,
        { cause: err },
      );
    }
    return new BrokerUnreachableError(
      `Could not reach the broker at ${brokerUrl}. Is it running? (${err && err.message})`,
      { cause: err },
    );
  }

  return { url: brokerUrl, send };
}

function parseBody(text) {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** The design's envelope says success with error:false; anything else is shown as an error. */
export function isSuccess(answer) {
  return (
    answer.status >= 200 &&
    answer.status < 300 &&
    typeof answer.body === 'object' &&
    answer.body !== null &&
    answer.body.error === false
  );
}
