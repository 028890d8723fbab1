// How production starts the bot, read from the one place that says it: the App Service startup command in
// infra/azure.bicep (`appCommandLine`). The benchmarks start the bot with the same Node flags (the heap
// bound among them), so the memory they measure is the memory production would use.
const { readFileSync } = require('node:fs');
const path = require('node:path');

const BICEP = path.join(__dirname, '..', 'infra', 'azure.bicep');

/** The App Service startup command, e.g. `node --max-old-space-size=384 lib/index.js`. */
function productionCommandLine() {
  const line = /^\s*appCommandLine: '([^']+)'/m.exec(readFileSync(BICEP, 'utf8'))?.[1];
  if (!line)
    throw new Error(`No appCommandLine in ${BICEP}: cannot start the bot as production does.`);
  return line;
}

/** The Node flags of the production start (between `node` and the script). */
function productionNodeFlags() {
  const [program, ...rest] = productionCommandLine().split(/\s+/);
  if (program !== 'node')
    throw new Error(`The production start does not run node directly: ${productionCommandLine()}`);
  return rest.filter((word) => word.startsWith('--'));
}

/** The heap bound (MB) the production start gives Node, or null if it gives none. */
function productionHeapMb() {
  const flag = productionNodeFlags().find((f) => f.startsWith('--max-old-space-size='));
  return flag ? Number(flag.split('=')[1]) : null;
}

module.exports = { productionCommandLine, productionHeapMb, productionNodeFlags };
