// `status` asked every 250 ms while the waves run, from a thread of its own with its own connector
// stand-in: the bench's main thread also serves the simulated Graph (building 1 MB pages, answering
// $batches), and a reply timed on that event loop would count the simulator's work as the bot's.
const { Worker, isMainThread, parentPort, workerData } = require('node:worker_threads');
const { connectorStandIn } = require('./connector-stand-in');

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Starts asking; `stop()` resolves with every answer's time in ms (real), in order. */
function startStatusPoller({ botUrl, activity }) {
  const worker = new Worker(__filename, { workerData: { botUrl, activity } });
  const latencies = new Promise((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    stop: async () => {
      worker.postMessage('stop');
      const result = await latencies;
      await worker.terminate();
      return result;
    },
  };
}

async function poll() {
  const connector = await connectorStandIn();
  const serviceUrl = connector.url;
  let polling = true;
  parentPort.once('message', () => (polling = false));
  const latencies = [];
  while (polling) {
    const started = Date.now();
    try {
      const response = await fetch(workerData.botUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ ...workerData.activity, id: `m-${Math.random()}`, serviceUrl }),
      });
      await response.text();
      latencies.push(Date.now() - started);
    } catch (error) {
      // A kept-alive connection the bot closed as it was reused (ECONNRESET) fails this ask, not the
      // run: counted at the time it took to fail, and said.
      latencies.push(Date.now() - started);
      process.stderr.write(`status: no answer (${error.cause?.code ?? error.message})\n`);
    }
    await sleep(250);
  }
  connector.stop();
  parentPort.postMessage(latencies);
}

if (!isMainThread) void poll();

module.exports = { startStatusPoller };
