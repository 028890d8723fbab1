// When Graph had nothing to do during a benchmark run: no request of the bot in flight and no group license
// processing under way. Such a stretch is the bot (or the bench) waiting or thinking, not Graph's limits: it
// is what keeps a run above its lower bound. Each stretch is kept with what came just before and after it
// (the request kinds, and the bench's own marks such as a sign-off click), so a long one can be traced to
// the wait that made it.

/** A request's kind, ids and query left out: `POST /groups/{id}/assignLicense`. */
const kindOf = (method, url) =>
  `${method} ${url
    .replace(/^https?:\/\/[^/]+/, '')
    .replace(/^\/v1\.0/, '')
    .replace(/\?.*$/, '')
    .replace(/[0-9a-f]{8}-[0-9a-f-]{27}/gi, '{id}')}`;

/**
 * Watches a started TenantSimulator. Samples every `sampleMs` real ms (the granularity of the stretches
 * found); `mark(text)` notes a bench event at now, and `phase(name)` labels what follows.
 */
function graphTimeline(simulator, { sampleMs = 5, trace = false } = {}) {
  const startedAt = Date.now();
  // With `trace`, every request's start and end and every mark, in real ms from the start.
  const events = [];
  const note = trace ? (what) => events.push([Date.now() - startedAt, what]) : () => undefined;
  let inFlight = 0;
  let lastEnded = 'start';
  let phase = 'start';
  const marks = [];
  // The simulator's own server (not part of its typed API): a request is in flight until its answer is sent.
  simulator.server.on('request', (req, res) => {
    const kind = kindOf(req.method ?? 'GET', req.url ?? '/');
    inFlight += 1;
    note(`> ${kind}`);
    if (idleSince !== null) closeStretch(kind);
    res.once('close', () => {
      inFlight -= 1;
      lastEnded = kind;
      note(`< ${kind}`);
    });
  });
  const stretches = [];
  let idleSince = null;
  let idleAfter = null;
  let idleMarks = [];
  const closeStretch = (before) => {
    stretches.push({
      atMs: idleSince,
      ms: Date.now() - idleSince,
      phase,
      after: idleAfter,
      before,
      marks: idleMarks,
    });
    idleSince = null;
  };
  const busy = () => inFlight > 0 || simulator.processor.busy;
  let processing = false;
  const timer = setInterval(() => {
    if (simulator.processor.busy !== processing) {
      processing = simulator.processor.busy;
      note(processing ? '~ Entra processing starts' : '~ Entra processing ends');
    }
    if (busy()) {
      if (idleSince !== null) closeStretch(simulator.processor.busy ? 'Entra processing' : '?');
    } else if (idleSince === null) {
      idleSince = Date.now();
      idleAfter = lastEnded;
      idleMarks = [];
    }
  }, sampleMs);
  timer.unref();
  return {
    mark(text) {
      marks.push({ atMs: Date.now(), text });
      note(`# ${text}`);
      if (idleSince !== null) idleMarks.push(text);
    },
    phase(name) {
      phase = name;
      note(`# phase ${name}`);
    },
    /** The idle stretches so far (one still open is closed at now), longest first, and their sum. */
    stop() {
      clearInterval(timer);
      if (idleSince !== null) closeStretch('end');
      return {
        idleMs: stretches.reduce((sum, s) => sum + s.ms, 0),
        stretches: [...stretches].sort((a, b) => b.ms - a.ms),
        marks,
        events,
      };
    },
  };
}

/** Idle summed by what came before and after it, largest first: where the waiting is. */
function idleByCause(stretches, phaseOf = (s) => s.phase) {
  const causes = new Map();
  for (const s of stretches) {
    const cause = `${phaseOf(s)}: after ${s.after}${s.marks.length ? ` [${s.marks.join(', ')}]` : ''}, before ${s.before}`;
    const entry = causes.get(cause) ?? { cause, ms: 0, count: 0 };
    entry.ms += s.ms;
    entry.count += 1;
    causes.set(cause, entry);
  }
  return [...causes.values()].sort((a, b) => b.ms - a.ms);
}

module.exports = { graphTimeline, idleByCause, kindOf };
