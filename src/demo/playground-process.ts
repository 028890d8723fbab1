import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Options for {@link startPlayground}. */
export interface PlaygroundOptions {
  /** The bot's messaging endpoint, e.g. `http://127.0.0.1:3978/api/messages`. */
  botEndpoint: string;
  /** Port to listen on; if it is busy the Playground picks a random one (see `PlaygroundProcess.port`). */
  port: number;
  /** The mock tenant (`.m365agentsplayground.yml`). A missing file means the Playground's built-in one. */
  configPath: string;
  /** Where the Playground copies its console output (its own log file; it never writes to the repo). */
  logFile: string;
  /** Working directory; the Playground writes `./devTools/…` files relative to it. */
  cwd?: string;
  /** How long to wait for `Listening on N` and a ping answer. Default 30 s. */
  startupTimeoutMs?: number;
  /** Extra environment for the child (e.g. `M365_AGENTS_PLAYGROUND_RECORDING_FILE`). */
  env?: Record<string, string>;
  /** Extra CLI arguments, e.g. `['--enable-events-recording']`. */
  extraArgs?: string[];
  /** Receives each line the Playground prints; by default the output is only kept for error reports. */
  onOutput?: (line: string, stream: 'stdout' | 'stderr') => void;
}

/** A running Playground child process. */
export interface PlaygroundProcess {
  /** `http://127.0.0.1:<port>`: the web UI and the HTTP API. */
  readonly url: string;
  /** The port actually bound (may differ from the one requested). */
  readonly port: number;
  readonly pid: number;
  /** SIGTERM, then SIGKILL if it has not exited after a few seconds. Safe to call twice. */
  stop(): Promise<void>;
}

const STOP_GRACE_MS = 3000;
const OUTPUT_LINES_KEPT = 20;
const ANSI_COLOUR = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** The end of the Playground's log file, without colour codes; empty if there is none. */
function logTail(logFile: string): string[] {
  try {
    return readFileSync(logFile, 'utf8')
      .replace(ANSI_COLOUR, '')
      .split(/\r?\n/)
      .filter((line) => line.trim() && !line.startsWith('debug '))
      .slice(-OUTPUT_LINES_KEPT);
  } catch {
    return [];
  }
}

/**
 * Finds the compiled preload that pins listens to 127.0.0.1. Next to this file when running from lib/;
 * under ts-jest this file is src/demo/*.ts with no .js beside it, so use the build output in lib/.
 */
export function resolveForceLoopback(): string {
  const candidates = [
    join(__dirname, 'force-loopback.js'),
    join(__dirname, '..', '..', 'lib', 'demo', 'force-loopback.js'),
  ];
  const found = candidates.find((candidate) => existsSync(candidate));
  if (!found) {
    throw new Error(
      `force-loopback.js not found (looked in ${candidates.join(', ')}); run \`npm run build\` first.`
    );
  }
  return found;
}

/** The Playground's CLI entry point (bin `agentsplayground`). */
export function resolvePlaygroundCli(): string {
  try {
    return require.resolve('@microsoft/m365agentsplayground/cli.js');
  } catch {
    // In case a future version adds an "exports" map that hides cli.js.
    return join(dirname(require.resolve('@microsoft/m365agentsplayground/package.json')), 'cli.js');
  }
}

function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      child.off('exit', onExit);
      resolve(false);
    }, timeoutMs);
    const onExit = () => {
      clearTimeout(timer);
      resolve(true);
    };
    child.once('exit', onExit);
  });
}

async function pingOnce(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/_debug/ping`, { signal: AbortSignal.timeout(1000) });
    return response.ok && (await response.text()) === 'pong';
  } catch {
    return false;
  }
}

/**
 * Starts the Microsoft 365 Agents Playground as a child process pointed at the bot, bound to 127.0.0.1
 * only, with telemetry and the browser launch turned off. Resolves once it prints `Listening on N` and
 * answers `GET /_debug/ping`; rejects (after killing the child) if it exits or times out first.
 */
export function startPlayground(options: PlaygroundOptions): Promise<PlaygroundProcess> {
  const args = [
    '-r',
    resolveForceLoopback(),
    resolvePlaygroundCli(),
    'start',
    '-e',
    options.botEndpoint,
    '-c',
    'msteams',
    '-p',
    String(options.port),
    '--disable-telemetry',
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(process.execPath, args, {
    cwd: options.cwd,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      TEAMSAPPTESTER_BROWSER: 'none',
      M365_AGENTS_PLAYGROUND_CONFIG_PATH: options.configPath,
      M365_AGENTS_PLAYGROUND_LOGFILE: options.logFile,
      TEAMSAPPTESTER_LOGFILE: options.logFile,
      // Read by 0.2.28 but unused: installation/conversationUpdate are sent when the web UI opens a
      // conversation (POST /_debug/conversation/:id/installation), never at startup.
      SEND_INSTALLATION_ACTIVITY: 'false',
      ...options.env,
    },
  });

  const recent: string[] = [];
  let onListening: ((port: number) => void) | undefined;
  const watch = (stream: NodeJS.ReadableStream, name: 'stdout' | 'stderr') => {
    let partial = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const lines = (partial + chunk).split(/\r?\n/);
      partial = lines.pop() ?? '';
      for (const line of lines) {
        recent.push(`[${name}] ${line}`);
        if (recent.length > OUTPUT_LINES_KEPT) recent.shift();
        options.onOutput?.(line, name);
        const match = /Listening on (\d+)/.exec(line);
        if (match) onListening?.(Number(match[1]));
      }
    });
  };
  watch(child.stdout, 'stdout');
  watch(child.stderr, 'stderr');

  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      process.off('exit', killOnParentExit);
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      if (!(await waitForExit(child, STOP_GRACE_MS))) {
        child.kill('SIGKILL');
        await waitForExit(child, STOP_GRACE_MS);
      }
    })();
    return stopped;
  };
  // Never leave an orphan Playground holding the port if the parent dies without calling stop().
  const killOnParentExit = () => child.kill('SIGKILL');
  process.once('exit', killOnParentExit);

  const timeoutMs = options.startupTimeoutMs ?? 30_000;
  return new Promise<PlaygroundProcess>((resolve, reject) => {
    let settled = false;
    const fail = (reason: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().then(() => {
        // With stdout not a TTY the Playground writes console.* only to its log file, so show both.
        const log = logTail(options.logFile);
        const output = [
          recent.length ? `Last output:\n${recent.join('\n')}` : '',
          log.length ? `End of ${options.logFile}:\n${log.join('\n')}` : '',
        ].filter(Boolean);
        reject(new Error([`Agents Playground ${reason}.`, ...output].join('\n')));
      });
    };
    const timer = setTimeout(() => fail(`did not start within ${timeoutMs} ms`), timeoutMs);
    child.once('error', (error) => fail(`could not be spawned (${error.message})`));
    // 'close' (not 'exit') so that the output is complete when the error is built.
    child.once('close', (code, signal) =>
      fail(`exited during startup (${signal ? `signal ${signal}` : `code ${code}`})`)
    );
    onListening = (port) => {
      onListening = undefined;
      const url = `http://127.0.0.1:${port}`;
      void (async () => {
        // Routes are mounted in the listen callback, right after the line is printed.
        while (!settled && !(await pingOnce(url))) await new Promise((r) => setTimeout(r, 100));
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        resolve({ url, port, pid: child.pid ?? -1, stop });
      })();
    };
  });
}
