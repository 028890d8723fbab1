import { describeAutomation } from '../domain/automation';
import { preflightLineText } from '../domain/preflight';
import { productName } from '../domain/product-names';
import type { TenantReads } from '../engine/migration-engine';
import { csvCell } from '../csv';
import { planOutput } from './plan-output';
import { writeVerifyOutput } from './verify-output';
import type { CliArguments, CliCommand } from './cli-arguments';

/** Each command of the CLI: what it reads through the engine and how it prints it. All read only. */

type Command = (reads: TenantReads, args: CliArguments) => Promise<void>;

const print = (line: string) => console.log(line);

async function doctor(reads: TenantReads, args: CliArguments): Promise<void> {
  const report = await reads.preflight();
  if (args.json) print(JSON.stringify(report));
  else report.lines.forEach((line) => print(preflightLineText(line)));
  if (!report.ready) process.exitCode = 1;
}

async function inventory(reads: TenantReads, args: CliArguments): Promise<void> {
  const inventory = await reads.inventory();
  if (args.json) return print(JSON.stringify(inventory, null, 2));
  const rows = inventory.skus.map((s) => [
    productName(s.skuPartNumber),
    s.skuPartNumber,
    s.prepaidUnits,
    s.consumedUnits,
    s.availableUnits,
    s.directOnly,
    s.inheritedOnly,
    s.both,
  ]);
  const header = ['product', 'sku', 'seats', 'used', 'free', 'direct only', 'group only', 'both'];
  if (args.csv) return [header, ...rows].forEach((r) => print(r.map(csvCell).join(',')));
  print(
    `${inventory.userCount} users, ${inventory.licensedUserCount} licensed. Nothing was changed.`
  );
  for (const row of rows)
    print(
      `  ${row[0]} (${row[1]}): ${row[2]} seats, ${row[3]} used, ${row[4]} free; direct only ${row[5]}, group only ${row[6]}, both ${row[7]}`
    );
  inventory.automation.forEach((finding) => print(`  ! ${describeAutomation(finding)}`));
  if (inventory.auditLogProblem) print(`  ! ${inventory.auditLogProblem}`);
}

async function plan(reads: TenantReads, args: CliArguments): Promise<void> {
  const { plan, rules } = await reads.plan();
  planOutput(plan, rules, args.json).forEach(print);
}

async function errors(reads: TenantReads, args: CliArguments): Promise<void> {
  const rows = await reads.errors();
  if (args.json) return print(JSON.stringify({ errors: rows }));
  if (rows.length === 0) return print('No group member is in license error.');
  for (const row of rows)
    print(
      `${row.userPrincipalName} in ${row.groupName}: ${row.error}. ${row.cause} Fix: ${row.fix}`
    );
}

async function waves(reads: TenantReads, args: CliArguments): Promise<void> {
  const { waves } = await reads.previewWaves(args.sizes ?? undefined);
  if (args.json) {
    const summary = waves.map((w) => ({
      number: w.number,
      users: w.userCount,
      assignments: w.entries.length,
      digest: w.digest,
    }));
    return print(JSON.stringify({ waves: summary }));
  }
  print(
    'Removal waves (proposed; each is released only by an approver in Teams, never from here):'
  );
  for (const w of waves)
    print(
      `  wave ${w.number}: ${w.userCount} users, ${w.entries.length} direct assignments, digest ${w.digest.slice(0, 12)}`
    );
}

/**
 * `verify` and `report`: the per-user decisions, as a summary, JSON or CSV (`report` is always CSV),
 * written row by row as the tenant is read.
 */
async function verify(reads: TenantReads, args: CliArguments): Promise<void> {
  await writeVerifyOutput(
    (onRow) => reads.verify(undefined, undefined, onRow),
    args.json ? 'json' : args.csv || args.command === 'report' ? 'csv' : 'text',
    (text) => process.stdout.write(text)
  );
}

export const CLI_COMMAND_RUNNERS: Readonly<Record<CliCommand, Command>> = {
  doctor,
  inventory,
  plan,
  errors,
  waves,
  verify,
  report: verify,
};
