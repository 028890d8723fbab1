import net from 'node:net';

/**
 * Preload module (`node -r lib/demo/force-loopback.js …`) that makes every TCP listen without an
 * explicit host bind 127.0.0.1 instead of all interfaces.
 *
 * Why: the Microsoft 365 Agents Playground calls `server.listen(port)` and has no host option, so it
 * would expose its unauthenticated API (which can impersonate any mock user towards the bot) on every
 * network interface. Listens that name a host, a unix socket / named pipe path, or an existing handle
 * are left alone.
 */

export const LOOPBACK_HOST = '127.0.0.1';

const patched = Symbol.for('license-migration-bot.force-loopback');

type ListenArgs = unknown[];

function isPortLike(value: unknown): boolean {
  // net.Server#listen treats numbers and all-digit strings as ports; other strings are pipe paths.
  return typeof value === 'number' || (typeof value === 'string' && /^\d+$/.test(value));
}

function isPlainListenOptions(value: unknown): value is net.ListenOptions {
  if (typeof value !== 'object' || value === null) return false;
  // A server or raw handle ({ handle } / { _handle } / { fd }) is not a port listen.
  return (
    !('handle' in value) &&
    !('_handle' in value) &&
    !('fd' in value) &&
    !(value instanceof net.Server)
  );
}

/** Returns the listen arguments with 127.0.0.1 inserted where Node would otherwise bind all interfaces. */
export function withLoopbackHost(args: ListenArgs): ListenArgs {
  const [first, second] = args;
  // listen() and listen(callback) pick a random port on all interfaces.
  if (args.length === 0 || typeof first === 'function') return [0, LOOPBACK_HOST, ...args];
  // listen(port), listen(port, cb), listen(port, backlog, cb); undefined/null also mean port 0.
  if (isPortLike(first) || first === undefined || first === null) {
    if (typeof second === 'string') return args;
    return [first ?? 0, LOOPBACK_HOST, ...args.slice(1)];
  }
  // listen({ port }), listen({ port, backlog }, cb); leave { host } and { path } untouched.
  if (isPlainListenOptions(first) && first.host === undefined && first.path === undefined) {
    return [{ ...first, host: LOOPBACK_HOST }, ...args.slice(1)];
  }
  return args;
}

/** Patches `net.Server.prototype.listen` (also used by http/https servers); safe to call twice. */
export function forceLoopback(): void {
  const proto = net.Server.prototype as net.Server & { [patched]?: boolean };
  if (proto[patched]) return;
  const originalListen = proto.listen;
  proto.listen = function listen(this: net.Server, ...args: ListenArgs): net.Server {
    return (originalListen as (...a: ListenArgs) => net.Server).apply(this, withLoopbackHost(args));
  } as typeof proto.listen;
  proto[patched] = true;
}

forceLoopback();
