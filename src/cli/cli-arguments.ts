import { parseWaveSizes } from '../domain/waves';

/** `npm run cli -- <command> --graph-url <url> [--token <t>] [--dry-run] [--json] [--csv]`, checked. */

export const CLI_COMMANDS = [
  'inventory',
  'plan',
  'verify',
  'errors',
  'waves',
  'report',
  'doctor',
] as const;
export type CliCommand = (typeof CLI_COMMANDS)[number];

export interface CliArguments {
  readonly command: CliCommand;
  /** Falls back to GRAPH_BASE_URL. */
  readonly graphUrl: string | undefined;
  readonly token: string | undefined;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly csv: boolean;
  /** waves only: users per wave, e.g. "25,250,rest". */
  readonly sizes: string | undefined;
}

export class CliUsageError extends Error {}

export const CLI_USAGE =
  'Usage: npm run cli -- <inventory | plan | verify | errors | waves | report | doctor> --graph-url <url> [--token <t>] [--dry-run] [--json] [--csv] [--sizes 25,250,rest]';

export function parseCliArguments(args: readonly string[]): CliArguments {
  const [command, ...rest] = args;
  if (!command) throw new CliUsageError('Name a command.');
  if (!(CLI_COMMANDS as readonly string[]).includes(command)) {
    throw new CliUsageError(`Unknown command "${command}": use one of ${CLI_COMMANDS.join(', ')}.`);
  }
  let graphUrl: string | undefined;
  let token: string | undefined;
  let sizes: string | undefined;
  const flags = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const option = rest[i];
    if (option === '--graph-url' || option === '--token' || option === '--sizes') {
      const value = rest[i + 1];
      if (value === undefined || value.startsWith('--'))
        throw new CliUsageError(`${option} needs a value.`);
      if (option === '--graph-url') graphUrl = value;
      else if (option === '--token') token = value;
      else sizes = value;
      i++;
    } else if (['--dry-run', '--json', '--csv'].includes(option)) {
      flags.add(option);
    } else {
      throw new CliUsageError(`Unknown option "${option}".`);
    }
  }
  if (sizes !== undefined) {
    try {
      parseWaveSizes(sizes);
    } catch (error) {
      throw new CliUsageError((error as Error).message);
    }
  }
  if (flags.has('--json') && flags.has('--csv'))
    throw new CliUsageError('Choose one of --json and --csv.');
  return {
    command: command as CliCommand,
    graphUrl,
    token,
    dryRun: flags.has('--dry-run'),
    json: flags.has('--json'),
    csv: flags.has('--csv'),
    sizes,
  };
}
