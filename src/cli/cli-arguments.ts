/** `npm run cli -- <command> --graph-url <url> [--token <t>] [--dry-run] [--json] [--csv]`, checked. */

export const CLI_COMMANDS = ['inventory', 'plan', 'verify', 'errors', 'waves', 'report'] as const;
export type CliCommand = (typeof CLI_COMMANDS)[number];
/** Commands this release implements; the others are refused with a clear message. */
export const AVAILABLE_CLI_COMMANDS: readonly CliCommand[] = [
  'inventory',
  'plan',
  'verify',
  'errors',
];

export interface CliArguments {
  readonly command: CliCommand;
  /** Falls back to GRAPH_BASE_URL. */
  readonly graphUrl: string | undefined;
  readonly token: string | undefined;
  readonly dryRun: boolean;
  readonly json: boolean;
  readonly csv: boolean;
}

export class CliUsageError extends Error {}

export const CLI_USAGE =
  'Usage: npm run cli -- <inventory | plan | verify | errors | waves | report> --graph-url <url> [--token <t>] [--dry-run] [--json] [--csv]';

export function parseCliArguments(args: readonly string[]): CliArguments {
  const [command, ...rest] = args;
  if (!command) throw new CliUsageError('Name a command.');
  if (!(CLI_COMMANDS as readonly string[]).includes(command)) {
    throw new CliUsageError(`Unknown command "${command}": use one of ${CLI_COMMANDS.join(', ')}.`);
  }
  let graphUrl: string | undefined;
  let token: string | undefined;
  const flags = new Set<string>();
  for (let i = 0; i < rest.length; i++) {
    const option = rest[i];
    if (option === '--graph-url' || option === '--token') {
      const value = rest[i + 1];
      if (value === undefined || value.startsWith('--'))
        throw new CliUsageError(`${option} needs a value.`);
      if (option === '--graph-url') graphUrl = value;
      else token = value;
      i++;
    } else if (['--dry-run', '--json', '--csv'].includes(option)) {
      flags.add(option);
    } else {
      throw new CliUsageError(`Unknown option "${option}".`);
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
  };
}
