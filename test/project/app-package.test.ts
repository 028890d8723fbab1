import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { inflateSync } from 'node:zlib';
import { AppManifestUtils, type AppManifest } from '@microsoft/app-manifest';
import { COMMANDS, parseCommand } from '../../src/domain/commands';

// @microsoft/app-manifest is CommonJS but requires strip-bom 5, which is ESM only. Node 20.19+ loads
// that natively; Jest's CommonJS runtime does not. These tests never read a file through the
// package, so an equivalent CommonJS stand-in is enough. (ts-jest hoists this above the imports.)
jest.mock('strip-bom', () => ({
  __esModule: true,
  default: (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text),
}));

const APP_PACKAGE = join(__dirname, '..', '..', 'appPackage');
const MANIFEST_PATH = join(APP_PACKAGE, 'manifest.json');

/** Values the Toolkit would write to env/.env.<env> before zipping the package. */
const SAMPLE_ENV: Record<string, string> = {
  TEAMS_APP_ID: '3f9c1a52-6b7d-4e8f-9a0b-1c2d3e4f5a6b',
  BOT_ID: '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d',
  APP_NAME_SUFFIX: 'local',
};

/** Only the parts of the manifest these tests read; the schema checks the rest. */
interface BotCommand {
  title: string;
  description?: string;
}
interface ManifestShape {
  $schema?: string;
  manifestVersion: string;
  icons: { color: string; outline: string };
  bots?: { scopes: string[]; commandLists?: { scopes: string[]; commands: BotCommand[] }[] }[];
}

/** Replaces `${{NAME}}` like the Toolkit does; an unknown name fails so new placeholders get a sample. */
function substitutePlaceholders(text: string, env: Record<string, string>): string {
  return text.replace(/\$\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (_match, name: string) => {
    const value = env[name];
    if (value === undefined) throw new Error(`No sample value for placeholder ${name}`);
    return value;
  });
}

function loadManifest(): ManifestShape {
  return JSON.parse(substitutePlaceholders(readFileSync(MANIFEST_PATH, 'utf8'), SAMPLE_ENV));
}

/** Where @microsoft/app-manifest keeps its copy of the schema for a manifest version. */
function bundledSchemaPath(manifestVersion: string): string {
  const packageRoot = dirname(require.resolve('@microsoft/app-manifest/package.json'));
  return join(
    packageRoot,
    'build',
    'json-schemas',
    'teams',
    `v${manifestVersion}`,
    'MicrosoftTeams.schema.json'
  );
}

function officialSchemaUrl(manifestVersion: string): string {
  return `https://developer.microsoft.com/json-schemas/teams/v${manifestVersion}/MicrosoftTeams.schema.json`;
}

/**
 * Validates against the schema for the manifest's own version. fetchSchema reads the bundled copy
 * when the URL is developer.microsoft.com and the file exists, so this never touches the network.
 */
async function validate(manifest: ManifestShape): Promise<string[]> {
  const schemaFile = bundledSchemaPath(manifest.manifestVersion);
  if (!existsSync(schemaFile)) {
    throw new Error(
      `@microsoft/app-manifest has no bundled schema for ${manifest.manifestVersion}`
    );
  }
  const schema = await AppManifestUtils.fetchSchema(officialSchemaUrl(manifest.manifestVersion));
  return AppManifestUtils.validateAgainstSchema(manifest as unknown as AppManifest, schema);
}

// --- Minimal PNG reader: enough to check size, colour type and, for 8-bit RGBA, every pixel. ---

interface Png {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  interlace: number;
  idat: Buffer;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const COLOR_TYPE_RGB = 2;
const COLOR_TYPE_RGBA = 6;

function readPng(file: string): Png {
  const bytes = readFileSync(file);
  if (!bytes.subarray(0, 8).equals(PNG_SIGNATURE)) throw new Error(`${file} is not a PNG`);
  // IHDR is always the first chunk: length(4) type(4) then width, height, depth, colour type...
  if (bytes.toString('ascii', 12, 16) !== 'IHDR')
    throw new Error(`${file} does not start with IHDR`);
  const idat: Buffer[] = [];
  for (let offset = 8; offset < bytes.length;) {
    const length = bytes.readUInt32BE(offset);
    if (bytes.toString('ascii', offset + 4, offset + 8) === 'IDAT') {
      idat.push(bytes.subarray(offset + 8, offset + 8 + length));
    }
    offset += 12 + length; // length + type + data + CRC
  }
  return {
    width: bytes.readUInt32BE(16),
    height: bytes.readUInt32BE(20),
    bitDepth: bytes[24],
    colorType: bytes[25],
    interlace: bytes[28],
    idat: Buffer.concat(idat),
  };
}

/** Undoes the per-row PNG filters (None, Sub, Up, Average, Paeth) of an 8-bit RGBA image. */
function rgbaPixels(png: Png): Buffer {
  const bpp = 4;
  const stride = png.width * bpp;
  const raw = inflateSync(png.idat);
  const out = Buffer.alloc(png.height * stride);
  for (let y = 0; y < png.height; y++) {
    const filter = raw[y * (stride + 1)];
    for (let x = 0; x < stride; x++) {
      const value = raw[y * (stride + 1) + 1 + x];
      const left = x >= bpp ? out[y * stride + x - bpp] : 0;
      const up = y > 0 ? out[(y - 1) * stride + x] : 0;
      const upLeft = x >= bpp && y > 0 ? out[(y - 1) * stride + x - bpp] : 0;
      let predictor = 0;
      if (filter === 1) predictor = left;
      else if (filter === 2) predictor = up;
      else if (filter === 3) predictor = Math.floor((left + up) / 2);
      else if (filter === 4) {
        const p = left + up - upLeft;
        const [pa, pb, pc] = [Math.abs(p - left), Math.abs(p - up), Math.abs(p - upLeft)];
        predictor = pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft;
      } else if (filter !== 0) throw new Error(`Unknown PNG filter ${filter}`);
      out[y * stride + x] = (value + predictor) & 0xff;
    }
  }
  return out;
}

describe('Teams app package', () => {
  beforeEach(() => {
    // Validation must work offline: any attempt to download a schema fails the test.
    jest.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('network access in a unit test'));
  });
  afterEach(() => jest.restoreAllMocks());

  it('declares a $schema that matches its manifestVersion', () => {
    const manifest = loadManifest();
    expect(manifest.$schema?.replace('/en-us/', '/')).toBe(
      officialSchemaUrl(manifest.manifestVersion)
    );
  });

  it('passes the official schema for its manifestVersion once the Toolkit placeholders are filled', async () => {
    const manifest = loadManifest();
    expect(await validate(manifest)).toEqual([]);
    expect(globalThis.fetch).not.toHaveBeenCalled();
  });

  it('fails schema validation when the placeholders are left unfilled', async () => {
    const raw = JSON.parse(readFileSync(MANIFEST_PATH, 'utf8')) as ManifestShape;
    const errors = await validate(raw);
    // id and botId must be GUIDs, so a package zipped without env values would be rejected.
    expect(errors.some((e) => e.startsWith('/id '))).toBe(true);
  });

  it('rejects a short description longer than 80 characters, so the schema check can fail', async () => {
    const manifest = loadManifest() as ManifestShape & { description: { short: string } };
    manifest.description.short = 'x'.repeat(81);
    const errors = await validate(manifest);
    expect(errors).toEqual([
      expect.stringContaining('/description/short must NOT have more than 80'),
    ]);
  });

  it('offers the bot in personal chat and in teams', () => {
    const bots = loadManifest().bots ?? [];
    expect(bots).toHaveLength(1);
    expect(bots[0].scopes).toEqual(expect.arrayContaining(['personal', 'team']));
  });

  it('lists help and inventory in the command menu of both scopes', () => {
    const lists = loadManifest().bots?.[0].commandLists ?? [];
    for (const scope of ['personal', 'team']) {
      const titles = lists
        .filter((list) => list.scopes.includes(scope))
        .flatMap((list) => list.commands.map((command) => command.title));
      expect(titles).toEqual(expect.arrayContaining(['help', 'inventory']));
    }
  });

  it('offers every command the bot understands in the command menu of each scope, by title or in a description', () => {
    // The menu takes 10 commands per scope, the bot has more: the rest are named in a description
    // ("wave N", "pause" ...), as `help` lists them all.
    const lists = loadManifest().bots?.[0].commandLists ?? [];
    for (const scope of ['personal', 'team']) {
      const inScope = lists.filter((list) => list.scopes.includes(scope));
      expect(inScope).toHaveLength(1); // one list per scope, as the schema asks
      const commands = inScope[0].commands;
      const titles = commands.map((command) => command.title.split(' ')[0]);
      const descriptions = commands.map((command) => command.description ?? '').join('\n');
      const missing = COMMANDS.filter(
        // `notify here` needs a channel: the personal chat refuses it.
        (command) => !(scope === 'personal' && command.name === 'notify')
      ).filter(
        (command) =>
          !titles.includes(command.name) &&
          !new RegExp(`(^|[^\\w-])${command.name}\\b(?!-)`, 'm').test(descriptions)
      );
      expect({ scope, missing: missing.map((command) => command.usage) }).toEqual({
        scope,
        missing: [],
      });
    }
  });

  it('makes every menu title a command the bot accepts as it is inserted, or asks for its argument', () => {
    for (const list of loadManifest().bots?.[0].commandLists ?? [])
      for (const command of list.commands) {
        const known = COMMANDS.some((c) => c.name === command.title.split(' ')[0]);
        expect({ title: command.title, known }).toEqual({ title: command.title, known: true });
        // Clicking a title inserts it; anything but a wave number is then all that is missing.
        if (!/^(rollback|wave|followup)$/.test(command.title))
          expect(() => parseCommand(command.title)).not.toThrow();
      }
  });

  it('offers `notify here`, the first step, in teams only', () => {
    const lists = loadManifest().bots?.[0].commandLists ?? [];
    const scopesWithNotify = lists
      .filter((list) => list.commands.some((command) => command.title === 'notify here'))
      .flatMap((list) => list.scopes);
    expect(scopesWithNotify).toEqual(['team']);
  });

  it('keeps every command list within the command-menu limits of 10 commands, 32-character titles and 128-character descriptions', () => {
    // Newer schemas allow more; these are the limits of the Teams command menu the bot targets.
    for (const list of loadManifest().bots?.[0].commandLists ?? []) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      for (const command of list.commands) {
        expect(command.title.length).toBeLessThanOrEqual(32);
        expect((command.description ?? '').length).toBeLessThanOrEqual(128);
      }
    }
  });

  it('ships a 192x192 full-colour PNG as the colour icon', () => {
    const png = readPng(join(APP_PACKAGE, loadManifest().icons.color));
    expect([png.width, png.height]).toEqual([192, 192]);
    expect([COLOR_TYPE_RGB, COLOR_TYPE_RGBA]).toContain(png.colorType);
  });

  it('ships a 32x32 RGBA outline icon whose pixels are all either fully transparent or white', () => {
    const png = readPng(join(APP_PACKAGE, loadManifest().icons.outline));
    expect([png.width, png.height]).toEqual([32, 32]);
    expect(png.colorType).toBe(COLOR_TYPE_RGBA);
    expect(png.bitDepth).toBe(8);
    expect(png.interlace).toBe(0);

    const pixels = rgbaPixels(png);
    const offending: string[] = [];
    let visible = 0;
    for (let i = 0; i < pixels.length; i += 4) {
      const [r, g, b, a] = pixels.subarray(i, i + 4);
      if (a === 0) continue;
      visible++;
      if (r !== 255 || g !== 255 || b !== 255)
        offending.push(`(${(i / 4) % 32},${Math.floor(i / 128)})`);
    }
    expect(offending).toEqual([]);
    expect(visible).toBeGreaterThan(0); // an all-transparent icon would pass the check above
  });
});
