import { GraphError } from './graph-error';

type Entry = Record<string, unknown>;
type Predicate = (entry: Entry) => boolean;

const quoted = "'((?:[^']|'')*)'";
const unquote = (text: string) => text.replace(/''/g, "'");

function path(entry: Entry, dotted: string): unknown {
  return dotted.split('/').reduce<unknown>((value, key) => (value as Entry | null)?.[key], entry);
}

const CLAUSES: readonly { pattern: RegExp; build: (m: RegExpExecArray) => Predicate }[] = [
  {
    pattern: new RegExp(
      `^(activityDisplayName|category|loggedByService|result|correlationId|id|initiatedBy/app/displayName|initiatedBy/app/appId|initiatedBy/user/id|initiatedBy/user/userPrincipalName) eq ${quoted}$`
    ),
    build: (m) => (entry) => path(entry, m[1]) === unquote(m[2]),
  },
  {
    pattern: new RegExp(
      `^startswith\\((activityDisplayName|initiatedBy/app/displayName),\\s*${quoted}\\)$`
    ),
    build: (m) => (entry) => String(path(entry, m[1]) ?? '').startsWith(unquote(m[2])),
  },
  {
    pattern: /^activityDateTime (ge|gt|le|lt) (\d{4}-\d{2}-\d{2}T[\d:.]+Z)$/,
    build: (m) => {
      const bound = Date.parse(m[2]);
      const compare = {
        ge: (t: number) => t >= bound,
        gt: (t: number) => t > bound,
        le: (t: number) => t <= bound,
        lt: (t: number) => t < bound,
      }[m[1] as 'ge'];
      return (entry) => compare(Date.parse(String(entry.activityDateTime)));
    },
  },
  {
    pattern: new RegExp(`^targetResources/any\\((\\w+):\\s*\\1/(id|displayName) eq ${quoted}\\)$`),
    build: (m) => (entry) =>
      ((entry.targetResources as Entry[] | undefined) ?? []).some((t) => t[m[2]] === unquote(m[3])),
  },
];

/** The $filter forms Graph supports on /auditLogs/directoryAudits, joined with `and`. */
export function parseAuditFilter(filter: string | null): Predicate {
  if (filter === null) return () => true;
  const clauses = filter
    .trim()
    .split(/\s+and\s+/)
    .map((clause) => {
      for (const form of CLAUSES) {
        const match = form.pattern.exec(clause.trim());
        if (match) return form.build(match);
      }
      throw new GraphError(400, 'BadRequest', `Invalid filter clause: '${clause.trim()}'.`);
    });
  return (entry) => clauses.every((clause) => clause(entry));
}
