/** A request the migration turns down; the message says why and what to do. Nothing was changed. */
export class MigrationRefusal extends Error {}

/** Throws the domain's refusal, if it gave one, as a MigrationRefusal. */
export function refuseIf(reason: string | null): void {
  if (reason !== null) throw new MigrationRefusal(reason);
}
