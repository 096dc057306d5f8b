// Preloaded (node --require) into a service process by tracing-switch.test.ts: records the
// port of every outgoing TCP connection and writes them to $DIALS_FILE at exit, so a test
// can prove what the process dialled (and what it did not).
const fs = require('node:fs');
const net = require('node:net');

const dials = [];
const connect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function recordedConnect(...args) {
  const [first] = args;
  const options = Array.isArray(first) ? first[0] : first;
  const port = typeof options === 'object' && options !== null ? options.port : options;
  if (port !== undefined) dials.push(Number(port));
  return connect.apply(this, args);
};
process.on('exit', () => {
  fs.writeFileSync(process.env.DIALS_FILE, JSON.stringify(dials));
});
