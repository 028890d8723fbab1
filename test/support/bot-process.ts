import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

/** The production bot (`node lib/index.js`, built by pretest) as its own process, to kill and restart. */
export class BotProcess {
  private child: ChildProcessWithoutNullStreams | null = null;
  readonly output: string[] = [];

  constructor(
    private readonly env: Record<string, string>,
    readonly url: string
  ) {}

  async start(): Promise<void> {
    const child = spawn(process.execPath, [join(__dirname, '..', '..', 'lib', 'index.js')], {
      env: { PATH: process.env.PATH ?? '', ...this.env },
    });
    this.child = child;
    child.stdout.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => this.output.push(chunk.toString()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`The bot did not start: ${this.log()}`)),
        30_000
      );
      const check = () => {
        if (/listening on/.test(this.output.join(''))) {
          clearTimeout(timer);
          child.stdout.off('data', check);
          resolve();
        }
      };
      child.stdout.on('data', check);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`The bot exited with ${code}: ${this.log()}`));
      });
    });
  }

  /** SIGKILL: no shutdown code runs, as when App Service recycles a stuck instance. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
  }

  killNow(): void {
    this.child?.kill('SIGKILL');
  }

  async exited(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    await new Promise((resolve) => child.once('exit', resolve));
  }

  post(activity: Record<string, unknown>): Promise<Response> {
    return fetch(`${this.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity),
    });
  }

  log(): string {
    return this.output.join('').slice(-4000);
  }
}
