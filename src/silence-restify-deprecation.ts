/**
 * restify 11 on Node 20 warns DEP0111 (process.binding('http_parser')) at load; it is harmless
 * (../shared/teams/STACK.md) and would bury the one line a configuration error prints. Imported first.
 */
const emitWarning = process.emitWarning.bind(process);
process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
  const options = rest[0];
  const code =
    typeof options === 'object' && options !== null ? (options as { code?: string }).code : rest[1];
  if (code === 'DEP0111') return;
  (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
}) as typeof process.emitWarning;
