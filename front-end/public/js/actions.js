// The requests behind the buttons: the same payloads as the original Go course's test page.

const LOG_TRANSPORTS = {
  'log-rabbitmq': { via: 'rabbitmq', label: 'RabbitMQ' },
  'log-http': { via: 'http', label: 'HTTP' },
  'log-rpc': { via: 'rpc', label: 'JSON-RPC' },
  'log-grpc': { via: 'grpc', label: 'gRPC' },
};

/** Returns the request for a button's data-action, built fresh for each click. */
export function requestFor(action, now = new Date()) {
  switch (action) {
    case 'broker':
      return { method: 'POST', path: '/' };
    case 'auth':
      return {
        method: 'POST',
        path: '/handle',
        body: { action: 'auth', auth: { email: 'admin@example.com', password: 'verysecret' } },
      };
    case 'mail':
      return {
        method: 'POST',
        path: '/handle',
        body: {
          action: 'mail',
          mail: {
            from: 'me@example.com',
            to: 'you@there.com',
            subject: 'Test email',
            message: 'Hello world!',
          },
        },
      };
    default: {
      const transport = LOG_TRANSPORTS[action];
      if (!transport) throw new Error(`unknown action ${action}`);
      // The transport and time in the data make each click's entry findable in the table.
      return {
        method: 'POST',
        path: '/handle',
        isLog: true,
        body: {
          action: 'log',
          log: {
            name: 'event',
            data: `Some kind of data via ${transport.label} at ${timeOfDay(now)}`,
          },
          via: transport.via,
        },
      };
    }
  }
}

export function timeOfDay(date) {
  const pad = (value, size = 2) => String(value).padStart(size, '0');
  return (
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}` +
    `.${pad(date.getMilliseconds(), 3)}`
  );
}
