/** The chat commands the bot understands, and help for what a person typed. */

export interface CommandInfo {
  readonly name: string;
  readonly usage: string;
  readonly description: string;
  /** False for commands announced in help but not yet available in this release. */
  readonly available: boolean;
  /** Changes something: only for members of the admin group. */
  readonly mutating?: boolean;
}

export const COMMANDS: readonly CommandInfo[] = [
  { name: 'help', usage: 'help', description: 'List the commands.', available: true },
  {
    name: 'inventory',
    usage: 'inventory',
    description:
      'Seats per license, and how many users hold each directly, through a group, or both.',
    available: true,
  },
  { name: 'status', usage: 'status', description: 'Where the migration stands.', available: true },
  {
    name: 'plan',
    usage: 'plan',
    description: 'Propose licensing groups from the direct assignments.',
    available: true,
  },
  {
    name: 'group',
    mutating: true,
    usage: 'group N dynamic [C] | group N static',
    description:
      'Before `assign`: give variant N of the plan a dynamic group with candidate rule C (1 if not said), proven on an unlicensed shadow group first, or keep its static group.',
    available: true,
  },
  {
    name: 'assign',
    mutating: true,
    usage: 'assign',
    description: 'Fill the groups and assign their licenses.',
    available: true,
  },
  {
    name: 'verify',
    usage: 'verify',
    description: 'Check every user inherits what they hold directly.',
    available: true,
  },
  {
    name: 'errors',
    usage: 'errors',
    description: 'Group members in license error, with the fix.',
    available: true,
  },
  {
    name: 'reprocess',
    mutating: true,
    usage: 'reprocess',
    description:
      'Have Entra ID process the members in license error again, once the cause is fixed.',
    available: true,
  },
  {
    name: 'waves',
    mutating: true,
    usage: 'waves [25,250,rest]',
    description: 'Propose removal waves.',
    available: true,
  },
  {
    name: 'report',
    usage: 'report',
    description: "Every user's state and decision, as CSV.",
    available: true,
  },
  { name: 'wave', usage: 'wave N', description: 'Details of one removal wave.', available: true },
  {
    name: 'followup',
    mutating: true,
    usage: 'followup N',
    description:
      "Check wave N's users again now (after fixing what its follow-up found); the next wave waits for a clean one.",
    available: true,
  },
  {
    name: 'pause',
    mutating: true,
    usage: 'pause',
    description: 'Pause the running wave after the user in hand.',
    available: true,
  },
  {
    name: 'resume',
    mutating: true,
    usage: 'resume',
    description: 'Resume a paused wave.',
    available: true,
  },
  {
    name: 'rollback',
    mutating: true,
    usage: 'rollback N',
    description: 'Restore every direct assignment wave N removed.',
    available: true,
  },
  {
    name: 'doctor',
    usage: 'doctor',
    description:
      "Before anything changes: the bot's Graph permissions, the admin and approver groups, the channel and the storage, and what to fix. For admins; it only reads.",
    available: true,
  },
  {
    name: 'notify',
    mutating: true,
    usage: 'notify here',
    description: 'Post migration notifications to this channel.',
    available: true,
  },
];

/** Levenshtein distance: how many single-character edits turn `a` into `b`. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(previous[j] + 1, current[j - 1] + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length];
}

/** The command closest to what was typed (by its first word), for a "did you mean" reply. */
export function closestCommand(text: string): CommandInfo {
  // Edit distance costs length × length: a pasted 200 KB word would hold the turn for a second. No command
  // is longer than 12 letters, so the first 32 decide as well as all of them.
  const word = text.trim().slice(0, 64).split(/\s+/)[0]?.slice(0, 32).toLowerCase() ?? '';
  let best = COMMANDS[0];
  let bestScore = Number.POSITIVE_INFINITY;
  for (const command of COMMANDS) {
    // A typed prefix ("inv") is closer than any edit distance.
    const score =
      word.length > 0 && command.name.startsWith(word) ? 0 : editDistance(word, command.name);
    if (score < bestScore) {
      best = command;
      bestScore = score;
    }
  }
  return best;
}

/** `group N dynamic [C]` or `group N static`: which variant of the plan gets which kind of group. */
export interface GroupChoiceArgument {
  readonly variant: number;
  readonly kind: 'dynamic' | 'static';
  /** The candidate rule, 1-based (1 when not said); null for static. */
  readonly candidate: number | null;
}

/** A command as typed: its name and its argument, checked. */
export interface ParsedCommand {
  readonly name: string;
  /**
   * waves: the sizes text or null; wave, rollback and followup: the wave number; group: the choice;
   * otherwise null.
   */
  readonly argument: string | number | GroupChoiceArgument | null;
}

/** What was typed is not a command as written; the message says what would be. Nothing is done. */
export class CommandError extends Error {}

const WAVE_NUMBER = /^[1-9]\d{0,5}$/;

/** Parses a whole message: the command word (any case) and its argument, or a specific error. */
export function parseCommand(text: string): ParsedCommand {
  const [word = '', ...rest] = text.trim().split(/\s+/);
  const name = word.toLowerCase();
  const argument = rest.join(' ');
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    const closest = closestCommand(text);
    const shown = text.trim().length > 40 ? `${text.trim().slice(0, 40)}…` : text.trim();
    throw new CommandError(
      `I don't know "${shown}". Did you mean \`${closest.usage}\`? Type \`help\` for the list of commands.`
    );
  }
  if (name === 'wave' || name === 'rollback' || name === 'followup') {
    if (!WAVE_NUMBER.test(argument))
      throw new CommandError(
        argument === ''
          ? `\`${name}\` needs a wave number, e.g. \`${name} 2\`.`
          : `"${argument}" is not a wave number; try \`${name} 2\`.`
      );
    return { name, argument: Number(argument) };
  }
  if (name === 'group') return { name, argument: parseGroupChoice(rest) };
  if (name === 'waves')
    return { name, argument: argument === '' ? null : argument.replace(/\s+/g, '') };
  if (name === 'notify') {
    if (argument.toLowerCase() !== 'here')
      throw new CommandError('Say `notify here` in the channel that should get the notifications.');
    return { name, argument: null };
  }
  if (argument !== '')
    throw new CommandError(`\`${name}\` takes no arguments. Try \`${command.usage}\`.`);
  return { name, argument: null };
}

const GROUP_USAGE =
  '`group 2 dynamic` (its first candidate rule), `group 2 dynamic 3` or `group 2 static`';

function parseGroupChoice(words: readonly string[]): GroupChoiceArgument {
  const [variant = '', kind = '', candidate, ...extra] = words.map((w) => w.toLowerCase());
  if (!WAVE_NUMBER.test(variant))
    throw new CommandError(
      variant === ''
        ? `\`group\` needs the variant's number as \`plan\` shows it: ${GROUP_USAGE}.`
        : `"${variant.slice(0, 20)}" is not a variant number; try ${GROUP_USAGE}.`
    );
  if (kind !== 'dynamic' && kind !== 'static')
    throw new CommandError(
      `Say \`dynamic\` or \`static\` after the variant number: ${GROUP_USAGE}.`
    );
  if (extra.length > 0 || (kind === 'static' && candidate !== undefined))
    throw new CommandError(`Too many words for \`group\`; try ${GROUP_USAGE}.`);
  if (candidate !== undefined && !WAVE_NUMBER.test(candidate))
    throw new CommandError(
      `"${candidate.slice(0, 20)}" is not a candidate number; try ${GROUP_USAGE}.`
    );
  return {
    variant: Number(variant),
    kind,
    candidate: kind === 'static' ? null : Number(candidate ?? '1'),
  };
}
