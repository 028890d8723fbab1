import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, normalize } from 'node:path';
import Ajv from 'ajv';
import { parse } from 'yaml';
import { readBotSettings } from '../../src/config';

/**
 * The Microsoft 365 Agents Toolkit project: m365agents*.yml, env/, infra/, .vscode/tasks.json. Nothing
 * here runs the Toolkit (it needs a Microsoft 365 sign-in and Azure); these tests check, offline, what the
 * Toolkit itself checks first or would stop on: the yaml schema of the declared version (vendored under
 * schemas/teams-toolkit/), which file it reads for each environment, and whether every ${{X}} has a value
 * by the time an action needs it (an empty value counts as missing, except APP_NAME_SUFFIX).
 */

const ROOT = join(__dirname, '..', '..');
const read = (path: string) => readFileSync(join(ROOT, path), 'utf8');

interface Action {
  uses: string;
  name?: string;
  with?: Record<string, unknown>;
  writeToEnvironmentFile?: Record<string, string>;
}
interface ProjectFile {
  version: string;
  provision?: Action[];
  deploy?: Action[];
  publish?: Action[];
}
type Lifecycle = 'provision' | 'deploy' | 'publish';

const PROJECT_FILE = /^(teamsapp|m365agents)(\.[\w-]+)?\.yml$/;
const projectFiles = readdirSync(ROOT).filter((name) => PROJECT_FILE.test(name));
const load = (file: string) => parse(read(file)) as ProjectFile;

/**
 * Which project file the Toolkit (@microsoft/teamsfx-core 3.1.3, pathUtils.getYmlFilePath) runs for an
 * environment: the m365agents name first, then the older teamsapp name, whose only special names are
 * local and testtool. Anything else falls back to the main file.
 */
function toolkitFileFor(env: string): string | undefined {
  const v4 =
    env === 'local'
      ? 'm365agents.local.yml'
      : env === 'playground'
        ? 'm365agents.playground.yml'
        : env === 'sandbox'
          ? 'm365agents.sandbox.yml'
          : 'm365agents.yml';
  if (existsSync(join(ROOT, v4))) return v4;
  const v3 =
    env === 'local'
      ? 'teamsapp.local.yml'
      : env === 'testtool'
        ? 'teamsapp.testtool.yml'
        : env === 'sandbox'
          ? 'teamsapp.sandbox.yml'
          : 'teamsapp.yml';
  return existsSync(join(ROOT, v3)) ? v3 : undefined;
}

/** The files the Toolkit runs for `atk provision --env dev` and `--env local`. */
const DEV_FILE = toolkitFileFor('dev') ?? 'm365agents.yml';
const LOCAL_FILE = toolkitFileFor('local') ?? 'm365agents.local.yml';

/** The environments: one env/.env.<name> each. */
const environments = readdirSync(join(ROOT, 'env'))
  .map((name) => /^\.env\.([\w-]+)$/.exec(name)?.[1])
  .filter((name): name is string => name !== undefined);

/** dotenv as the Toolkit reads env files: KEY=VALUE, # comments, optional quotes kept verbatim inside. */
function readEnvFile(path: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of read(path).split(/\r?\n/)) {
    const match = /^\s*([\w.-]+)\s*=\s*(.*)$/.exec(line);
    if (!match) continue;
    let value = match[2].trim();
    const quoted = /^(["'])(.*)\1$/.exec(value);
    value = quoted ? quoted[2] : value.replace(/\s+#.*$/, '');
    values.set(match[1], value);
  }
  return values;
}

const PLACEHOLDER = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const placeholders = (text: string) => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]);

/** The Keys table of env/README.md: key -> its "Set by" cell. */
function documentedKeys(): Map<string, string> {
  const keys = new Map<string, string>();
  for (const line of read('env/README.md').split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const key = /^`([A-Z0-9_]+)`$/.exec(cells[1] ?? '')?.[1];
    if (key && cells.length >= 5) keys.set(key, cells[3]);
  }
  return keys;
}
/** Keys the admin must set before provisioning: "Set by" says **you, required**. */
const REQUIRED_MARK = '**you, required**';

/** The outputs of a Bicep file (arm/deploy writes each to the env file under its own name). */
function bicepOutputs(path: string): string[] {
  return [...read(path).matchAll(/^output (\w+) /gm)].map((m) => m[1]);
}

interface BicepParam {
  name: string;
  type: string;
  default?: string;
  allowed: string[];
}
function bicepParams(path: string): BicepParam[] {
  const lines = read(path).split('\n');
  const params: BicepParam[] = [];
  lines.forEach((line, index) => {
    const match = /^param (\w+) (\w+)(?: = (.+))?$/.exec(line.trim());
    if (!match) return;
    // An @allowed([...]) block directly above, among the decorators.
    const allowed: string[] = [];
    for (let i = index - 1; i >= 0 && /^\s*(@|'|\])/.test(lines[i]); i--) {
      const value = /^\s*'([^']*)'\s*$/.exec(lines[i]);
      if (value) allowed.unshift(value[1]);
    }
    params.push({
      name: match[1],
      type: match[2],
      default: match[3]?.replace(/^'(.*)'$/, '$1'),
      allowed,
    });
  });
  return params;
}

/** Files an action reads whose ${{X}} the Toolkit fills in the same way. */
function filesReadBy(action: Action): string[] {
  const args = action.with ?? {};
  if (action.uses === 'arm/deploy')
    return ((args.templates as { parameters?: string }[]) ?? []).flatMap((t) =>
      t.parameters ? [t.parameters] : []
    );
  if (action.uses === 'teamsApp/validateManifest' || action.uses === 'teamsApp/zipAppPackage')
    return [args.manifestPath as string];
  return [];
}

/** Keys an action writes to the env file when it runs. */
function outputsOf(action: Action): string[] {
  const written = Object.values(action.writeToEnvironmentFile ?? {});
  if (action.uses === 'teamsApp/create') written.push('TEAMS_APP_TENANT_ID'); // an internal output
  if (action.uses === 'arm/deploy')
    for (const template of (action.with?.templates as { path: string }[]) ?? [])
      written.push(...bicepOutputs(template.path));
  return written;
}

interface TunnelTask {
  label: string;
  command?: string;
  type?: string;
  dependsOn?: string[];
  args?: {
    type?: string;
    env?: string;
    ports?: { portNumber: number; writeToEnvironmentFile?: Record<string, string> }[];
  };
}
/** .vscode/tasks.json is JSON with comments. */
function vscodeTasks(): TunnelTask[] {
  if (!existsSync(join(ROOT, '.vscode', 'tasks.json'))) return [];
  const text = read('.vscode/tasks.json').replace(/^\s*\/\/.*$/gm, '');
  return (JSON.parse(text) as { tasks: TunnelTask[] }).tasks;
}
/** Keys a dev tunnel task writes to env/.env.<env> before provision. */
function tunnelOutputs(env: string): string[] {
  return vscodeTasks()
    .filter((task) => task.command === 'debug-start-local-tunnel' && task.args?.env === env)
    .flatMap((task) => task.args?.ports ?? [])
    .flatMap((port) => Object.values(port.writeToEnvironmentFile ?? {}));
}

/**
 * Walks the lifecycles in the order an admin runs them (provision, deploy, publish) and returns every
 * ${{X}} that no one would have filled when its action runs, with the action that needs it.
 */
function unfilledPlaceholders(env: string): { key: string; action: string }[] {
  const file = toolkitFileFor(env);
  if (!file) return [];
  const project = load(file);
  const envFile = readEnvFile(`env/.env.${env}`);
  const documented = documentedKeys();
  const filled = new Set<string>(
    [...envFile].filter(([, value]) => value !== '').map(([key]) => key)
  );
  filled.add('APP_NAME_SUFFIX'); // the one key the Toolkit accepts empty
  filled.add('TEAMSFX_ENV'); // set from --env
  for (const key of tunnelOutputs(env)) filled.add(key);
  const missing: { key: string; action: string }[] = [];
  for (const lifecycle of ['provision', 'deploy', 'publish'] as Lifecycle[]) {
    const actions = project[lifecycle] ?? [];
    if (actions.some((action) => action.uses === 'arm/deploy')) {
      // Prompted for (subscription, resource group) or generated (suffix) before the lifecycle runs.
      for (const key of ['AZURE_SUBSCRIPTION_ID', 'AZURE_RESOURCE_GROUP_NAME', 'RESOURCE_SUFFIX'])
        filled.add(key);
    }
    for (const action of actions) {
      const texts = [JSON.stringify(action.with ?? {}), ...filesReadBy(action).map(read)];
      for (const key of texts.flatMap(placeholders)) {
        if (filled.has(key)) continue;
        const requiredOfAdmin =
          documented.get(key)?.includes(REQUIRED_MARK) === true && envFile.has(key);
        if (!requiredOfAdmin) missing.push({ key, action: `${file} ${lifecycle} ${action.uses}` });
      }
      for (const key of outputsOf(action)) filled.add(key);
    }
  }
  return missing;
}

describe('Toolkit project files', () => {
  it('has a project file for each environment, under the name the Toolkit reads for it', () => {
    expect(environments.sort()).toEqual(['dev', 'local', 'playground']);
    const used = environments.map(toolkitFileFor);
    expect(used).toEqual(['m365agents.yml', 'm365agents.local.yml', 'm365agents.playground.yml']);
    // A project file no environment reaches is never run (teamsapp.playground.yml was one: for the
    // playground environment the Toolkit reads m365agents.playground.yml, else teamsapp.yml).
    expect(projectFiles.filter((file) => !used.includes(file))).toEqual([]);
  });

  it.each(projectFiles)('%s passes the Toolkit yaml schema of the version it declares', (file) => {
    const project = load(file);
    const schemaPath = join(ROOT, 'schemas', 'teams-toolkit', project.version, 'yaml.schema.json');
    expect(existsSync(schemaPath)).toBe(true);
    // As the Toolkit's own validator compiles it (teamsfx-core configManager/validator.js).
    const ajv = new Ajv({ allowUnionTypes: true, strict: false, allErrors: true });
    ajv.addKeyword('deprecationMessage');
    const validate = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')));
    const valid = validate(project);
    expect(valid ? [] : ajv.errorsText(validate.errors, { separator: '\n' }).split('\n')).toEqual(
      []
    );
    // The editor hint names the same schema version.
    expect(read(file).split('\n')[0]).toContain(`/${project.version}/yaml.schema.json`);
  });

  it('the vendored schema rejects what the Toolkit rejects', () => {
    const schema = JSON.parse(read('schemas/teams-toolkit/v1.11/yaml.schema.json'));
    const ajv = new Ajv({ allowUnionTypes: true, strict: false });
    ajv.addKeyword('deprecationMessage');
    const validate = ajv.compile(schema);
    const project = load(DEV_FILE);
    const aad = project.provision!.find((action) => action.uses === 'aadApp/create')!;
    (aad.with as Record<string, unknown>).createServicePrincipal = true; // a misspelt parameter
    expect(validate(project)).toBe(false);
    expect(validate({ ...load(DEV_FILE), version: 'v1.7' })).toBe(false);
  });

  it('creates a service principal with every single-tenant bot app, so the bot can get its token', () => {
    const creates = projectFiles.flatMap((file) =>
      (load(file).provision ?? [])
        .filter((action) => action.uses === 'aadApp/create')
        .map((action) => ({ file, with: action.with ?? {} }))
    );
    expect(creates.map((c) => c.file).sort()).toEqual([LOCAL_FILE, DEV_FILE].sort());
    for (const create of creates) {
      expect(create.with.signInAudience).toBe('AzureADMyOrg');
      expect({
        file: create.file,
        generateServicePrincipal: create.with.generateServicePrincipal,
      }).toEqual({ file: create.file, generateServicePrincipal: true });
    }
  });

  it.each(['dev', 'local'])(
    'gives every ${{X}} of the %s environment a value before the action that needs it',
    (env) => {
      expect(unfilledPlaceholders(env)).toEqual([]);
    }
  );

  it('documents every key of the env files, and marks the ones the admin must set', () => {
    const documented = documentedKeys();
    for (const env of environments)
      for (const key of readEnvFile(`env/.env.${env}`).keys())
        expect({ env, key, documented: documented.has(key) }).toEqual({
          env,
          key,
          documented: true,
        });
    const required = [...documented].filter(([, setBy]) => setBy.includes(REQUIRED_MARK));
    expect(required.map(([key]) => key).sort()).toEqual(['ADMIN_GROUP_ID', 'APPROVER_GROUP_ID']);
  });
});

describe('Azure resources (infra/azure.bicep)', () => {
  const params = bicepParams('infra/azure.bicep');
  const param = (name: string) => params.find((p) => p.name === name);
  const bicep = read('infra/azure.bicep');
  const parameterFile = JSON.parse(read('infra/azure.parameters.json')) as {
    parameters: Record<string, { value: unknown }>;
  };

  it('gets every parameter without a default from the parameters file, and nothing else', () => {
    const given = Object.keys(parameterFile.parameters).sort();
    const declared = params.map((p) => p.name);
    expect(given.filter((name) => !declared.includes(name))).toEqual([]);
    const needed = params.filter((p) => p.default === undefined).map((p) => p.name);
    expect(needed.filter((name) => !given.includes(name))).toEqual([]);
  });

  it('runs on a Node LTS App Service Linux still offers (22 or 24), not Node 20', () => {
    const value = /linuxFxVersion: (\S+)/.exec(bicep)?.[1] ?? '';
    const runtime = value.startsWith("'") ? value.slice(1, -1) : param(value)?.default;
    expect(runtime).toMatch(/^NODE\|(22|24)-lts$/);
    for (const allowed of param(value)?.allowed ?? [])
      expect(allowed).toMatch(/^NODE\|(22|24)-lts$/);
  });

  it('takes the storage redundancy as a setting: ZRS by default, LRS where the region has no zones', () => {
    const sku = /resource stateAccount [^]*?sku: \{\s*name: (\w+)/.exec(bicep)?.[1] ?? '';
    expect(param(sku)).toMatchObject({
      default: 'Standard_ZRS',
      allowed: expect.arrayContaining(['Standard_ZRS', 'Standard_LRS']),
    });
    expect(parameterFile.parameters[sku]).toEqual({ value: '${{STORAGE_SKU}}' });
    expect(readEnvFile('env/.env.dev').get('STORAGE_SKU')).toBe('Standard_ZRS');
  });

  it('makes the role assignment, which needs Owner or User Access Administrator, optional', () => {
    const declaration =
      /^resource \w+ 'Microsoft\.Authorization\/roleAssignments@[^']+' = (.*)$/m.exec(bicep);
    expect(declaration?.[1]).toMatch(/^if \(storageRoleAssignment == 'create'\)/);
    expect(param('storageRoleAssignment')).toMatchObject({ allowed: ['create', 'skip'] });
    expect(bicepOutputs('infra/azure.bicep')).toEqual(
      expect.arrayContaining(['BOT_MANAGED_IDENTITY_PRINCIPAL_ID', 'BOT_STATE_STORAGE_ACCOUNT_ID'])
    );
    // The manual step is written down where the setting is.
    expect(read('env/README.md')).toMatch(
      /az role assignment create[^\n]*Storage Blob Data Contributor/
    );
  });
});

describe('deploy (m365agents.yml)', () => {
  const project = load(DEV_FILE);
  const deploy = project.deploy ?? [];
  const folder = (path: unknown) => normalize(String(path ?? '.'));

  it('uploads only what runs: the zipped folder gets production dependencies only', () => {
    const zipIndex = deploy.findIndex((action) => action.uses === 'azureAppService/zipDeploy');
    expect(zipIndex).toBeGreaterThan(-1);
    const artifactFolder = folder(deploy[zipIndex].with?.artifactFolder);
    const installs = deploy
      .slice(0, zipIndex)
      .filter((action) => action.uses === 'cli/runNpmCommand')
      .filter((action) => folder(action.with?.workingDirectory) === artifactFolder);
    const last = String(installs.at(-1)?.with?.args ?? '');
    // The last npm command in the zipped folder leaves no devDependencies there.
    expect(last).toMatch(/^(ci|install|prune)\b.*--omit=dev/);
    // Nothing the run needs is ignored.
    const ignored = read('.webappignore')
      .split('\n')
      .filter((line) => line.trim() && !line.startsWith('#'));
    expect(ignored.filter((line) => /^\/?(lib|node_modules)\/?$/.test(line.trim()))).toEqual([]);
  });

  it('leaves npm its error output in every project file (the project .npmrc says loglevel=silent)', () => {
    for (const file of projectFiles)
      for (const lifecycle of ['provision', 'deploy', 'publish'] as Lifecycle[])
        for (const action of load(file)[lifecycle] ?? [])
          if (action.uses === 'cli/runNpmCommand')
            expect({ file, args: action.with?.args }).toEqual({
              file,
              args: expect.stringMatching(/--loglevel=(error|warn|notice|http|info|verbose)\b/),
            });
  });
});

describe('local debugging in Teams (m365agents.local.yml)', () => {
  const project = load(LOCAL_FILE);
  const writes = (project.deploy ?? []).find(
    (action) => action.uses === 'file/createOrUpdateEnvironmentFile'
  );
  const target = String(writes?.with?.target ?? '');
  const envs = (writes?.with?.envs ?? {}) as Record<string, string>;

  it('writes settings the bot accepts as they are: a Bot Framework identity, Graph and storage', () => {
    const sample: Record<string, string> = {
      ...Object.fromEntries([...readEnvFile('env/.env.local')].filter(([, value]) => value !== '')),
      BOT_ID: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
      SECRET_BOT_PASSWORD: 'sample-secret',
      TEAMS_APP_TENANT_ID: '11111111-2222-4333-8444-555555555555',
      ADMIN_GROUP_ID: '21111111-2222-4333-8444-555555555555',
      APPROVER_GROUP_ID: '31111111-2222-4333-8444-555555555555',
      BOT_ENDPOINT: 'https://abc123-3978.euw.devtunnels.ms',
    };
    const env = Object.fromEntries(
      Object.entries(envs).map(([key, value]) => [
        key,
        String(value).replace(PLACEHOLDER, (_m, name: string) => sample[name] || `<${name}>`),
      ])
    );
    const settings = readBotSettings(env);
    expect(settings.botIdentity).toMatchObject({ appType: 'SingleTenant', appId: sample.BOT_ID });
    expect(settings.graph.baseUrl).toBe('https://graph.microsoft.com');
    expect(settings.graph.credential.kind).not.toBe('development-token');
    expect(settings.storage).not.toBeNull();
    expect([settings.adminGroupId, settings.approverGroupId]).toEqual([
      sample.ADMIN_GROUP_ID,
      sample.APPROVER_GROUP_ID,
    ]);
  });

  it('starts the bot with the file it writes, and names the dev tunnel step before provision', () => {
    const tasks = vscodeTasks();
    const start = tasks.find((task) => task.label === 'Start application') as
      (TunnelTask & { command: string }) | undefined;
    expect(start?.command).toContain(`--env-file=${target.replace(/^\.\//, '')}`);
    const tunnel = tasks.find((task) => task.command === 'debug-start-local-tunnel');
    expect(tunnel?.args).toMatchObject({ type: 'dev-tunnel', env: 'local' });
    expect(tunnel?.args?.ports?.[0]).toMatchObject({
      portNumber: 3978,
      writeToEnvironmentFile: { endpoint: 'BOT_ENDPOINT', domain: 'BOT_DOMAIN' },
    });
    const order = tasks.find((task) => task.label === 'Start App Locally')?.dependsOn ?? [];
    expect(order.indexOf(tunnel!.label)).toBeGreaterThan(-1);
    expect(order.indexOf(tunnel!.label)).toBeLessThan(order.indexOf('Provision'));
    expect(order.indexOf('Deploy')).toBeLessThan(order.indexOf('Start application'));
  });
});
