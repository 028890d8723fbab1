import type { Directory, DirectoryUser } from './directory';
import { GraphError } from './graph-error';

export type UserPredicate = (user: DirectoryUser, directory: Directory) => boolean;

const GUID = '[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}';

interface FilterForm {
  readonly pattern: RegExp;
  readonly build: (match: RegExpExecArray) => UserPredicate;
}

/** The $filter forms on /users that a migration needs; anything else is refused as Graph refuses it. */
const FORMS: readonly FilterForm[] = [
  {
    pattern: /^department eq '((?:[^']|'')*)'$/,
    build: (m) => {
      const department = m[1].replace(/''/g, "'");
      return (user) => user.department === department;
    },
  },
  {
    pattern: /^accountEnabled eq (true|false)$/,
    build: (m) => (user) => user.accountEnabled === (m[1] === 'true'),
  },
  {
    pattern: /^id in \(((?:\s*'[^']*'\s*,?)+)\)$/,
    build: (m) => {
      const ids = new Set([...m[1].matchAll(/'([^']*)'/g)].map((x) => x[1]));
      if (ids.size > 15) {
        // Graph limits `in` to 15 values for directory objects.
        throw new GraphError(
          400,
          'Request_UnsupportedQuery',
          'Too many values in the in operator. The maximum is 15.'
        );
      }
      return (user) => ids.has(user.id);
    },
  },
  {
    pattern: new RegExp(`^assignedLicenses/any\\((\\w+):\\s*\\1/skuId eq (${GUID})\\)$`),
    build: (m) => {
      const skuId = m[2].toLowerCase();
      return (user, directory) => directory.assignedLicenses(user).some((l) => l.skuId === skuId);
    },
  },
];

export function parseUserFilter(filter: string | null): UserPredicate {
  if (filter === null) return () => true;
  const text = filter.trim();
  for (const form of FORMS) {
    const match = form.pattern.exec(text);
    if (match) return form.build(match);
  }
  throw new GraphError(
    400,
    'Request_UnsupportedQuery',
    `Unsupported or invalid query filter clause specified: '${text}'.`
  );
}
