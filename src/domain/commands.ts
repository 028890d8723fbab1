/** The chat commands the bot understands, and help for what a person typed. */

export interface CommandInfo {
  readonly name: string;
  readonly usage: string;
  readonly description: string;
  /** False for commands announced in help but not yet available in this release. */
  readonly available: boolean;
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
  { name: 'status', usage: 'status', description: 'Where the migration stands.', available: false },
  {
    name: 'plan',
    usage: 'plan',
    description: 'Propose licensing groups from the direct assignments.',
    available: false,
  },
  {
    name: 'assign',
    usage: 'assign',
    description: 'Fill the groups and assign their licenses.',
    available: false,
  },
  {
    name: 'verify',
    usage: 'verify',
    description: 'Check every user inherits what they hold directly.',
    available: false,
  },
  {
    name: 'errors',
    usage: 'errors',
    description: 'Group members in license error, with the fix.',
    available: false,
  },
  {
    name: 'waves',
    usage: 'waves [25,250,rest]',
    description: 'Propose removal waves.',
    available: false,
  },
  {
    name: 'report',
    usage: 'report',
    description: "Every user's state and decision, as CSV.",
    available: false,
  },
  { name: 'wave', usage: 'wave N', description: 'Details of one removal wave.', available: false },
  {
    name: 'pause',
    usage: 'pause',
    description: 'Pause the running wave after the user in hand.',
    available: false,
  },
  { name: 'resume', usage: 'resume', description: 'Resume a paused wave.', available: false },
  {
    name: 'rollback',
    usage: 'rollback N',
    description: 'Restore every direct assignment wave N removed.',
    available: false,
  },
  {
    name: 'notify',
    usage: 'notify here',
    description: 'Post migration notifications to this channel.',
    available: false,
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
  const word = text.trim().split(/\s+/)[0]?.toLowerCase() ?? '';
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
