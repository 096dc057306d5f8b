// The reference for the broker's GET /ping: a bare Express 5 app with that one route and
// the same answer. Started by the bench as its own node process: PORT=... node express-ping.cjs
const express = require('express');

const app = express();
app.get('/ping', (_req, res) => {
  res.type('text/plain').send('.');
});
const server = app.listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
