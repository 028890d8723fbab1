// The Bot Connector as the benches need it: takes every reply the bot sends and answers with an id.
const { createServer } = require('node:http');

async function connectorStandIn() {
  let counter = 0;
  const server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ id: `sent-${++counter}` }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}/`, stop: () => server.close() };
}

module.exports = { connectorStandIn };
