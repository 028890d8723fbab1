// Diagnostic, not part of the product: the bot's memory every 2 s, appended to <tmp>/bot-memory.log
// (process.memoryUsage(), V8's heap spaces, and the C library's heap from /proc/self/smaps on Linux).
// Loaded into the bench's bot with BENCH_BOT_NODE_OPTIONS="--require <repo>/bench/bot-memory-log.js"
// (the bot starts with a clean environment, so the file's place is fixed).
const { appendFileSync, readFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const path = require('node:path');
const v8 = require('node:v8');

const FILE = path.join(tmpdir(), 'bot-memory.log');
const mb = (bytes) => Math.round(bytes / 1048576);

/** The resident size of the C library's main heap (`[heap]`), in MB; null off Linux. */
function cHeapMb() {
  try {
    let inHeap = false;
    let kb = 0;
    for (const line of readFileSync('/proc/self/smaps', 'utf8').split('\n')) {
      if (/^[0-9a-f]+-[0-9a-f]+ /.test(line)) inHeap = line.endsWith('[heap]');
      else if (inHeap && line.startsWith('Rss:')) kb += Number(line.split(/\s+/)[1]);
    }
    return Math.round(kb / 1024);
  } catch {
    return null;
  }
}

setInterval(() => {
  const m = process.memoryUsage();
  const spaces = v8
    .getHeapSpaceStatistics()
    .filter((s) => s.physical_space_size > 0)
    .map((s) => `${s.space_name}=${mb(s.space_used_size)}/${mb(s.physical_space_size)}`)
    .join(' ');
  appendFileSync(
    FILE,
    `${new Date().toISOString()} rss=${mb(m.rss)} heapUsed=${mb(m.heapUsed)} heapTotal=${mb(m.heapTotal)} external=${mb(m.external)} cHeap=${cHeapMb()} ${spaces}\n`
  );
}, 2000).unref();
