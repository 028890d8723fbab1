import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import draft06 from 'ajv/dist/refs/json-schema-draft-06.json';
import { chromium, type Browser } from 'playwright-core';
import schema from '../../../shared/adaptivecards/adaptive-card-1.5.schema.json';
import { HEADLESS_CHROMIUM_ARGS, headlessChromiumPath } from '../support/headless-chromium';
import { sampleCards } from '../support/sample-cards';

/** Teams takes bot messages up to about 100 KB; 28 KB (the webhook limit) leaves room for everything else. */
const SIZE_BUDGET = 28 * 1024;
const OUTPUT = join(__dirname, '..', '..', 'test-output', 'cards');

const ajv = new Ajv({ strict: false, allErrors: true });
ajv.addMetaSchema(draft06);
addFormats(ajv);
const { id, ...rest } = schema as { id: string } & Record<string, unknown>;
const validateCard = ajv.compile({ $id: id, ...rest });

describe('every card the bot sends', () => {
  const cards = sampleCards();

  it.each(cards.map((c) => [c.name, c.card]))(
    '%s is a valid Adaptive Card 1.5 within Teams’ size limit, with 1,000+ users in play',
    (_name, card) => {
      const valid = validateCard(card);
      expect(valid ? [] : validateCard.errors).toEqual([]);
      expect((card as { version: string }).version).toBe('1.5');
      expect(Buffer.byteLength(JSON.stringify(card))).toBeLessThan(SIZE_BUDGET);
    }
  );

  describe('rendered in headless Chromium with the adaptivecards renderer', () => {
    let browser: Browser;

    beforeAll(async () => {
      browser = await chromium.launch({
        executablePath: await headlessChromiumPath(),
        args: HEADLESS_CHROMIUM_ARGS,
      });
      mkdirSync(OUTPUT, { recursive: true });
    }, 60_000);
    afterAll(async () => {
      await browser?.close();
    });

    it.each(cards.map((c) => [c.name, c.card]))(
      '%s renders, and is kept as a picture under test-output/cards',
      async (name, card) => {
        const page = await browser.newPage({ viewport: { width: 560, height: 400 } });
        // Nothing leaves the machine: the renderer is loaded from node_modules, every request is refused.
        await page.route('**/*', (route) => route.abort());
        await page.setContent(
          '<html><body style="margin:0;background:#fff"><div id="card" style="width:540px;padding:10px"></div></body></html>'
        );
        await page.addScriptTag({
          path: require.resolve('adaptivecards/dist/adaptivecards.min.js'),
        });
        // Runs in the page: the test's TypeScript has no DOM types, so the page's globals are named here.
        const outcome = await page.evaluate((json) => {
          const page = globalThis as unknown as {
            AdaptiveCards: typeof import('adaptivecards');
            document: { getElementById(id: string): { appendChild(node: unknown): void } };
          };
          const AC = page.AdaptiveCards;
          const adaptiveCard = new AC.AdaptiveCard();
          const context = new AC.SerializationContext();
          adaptiveCard.parse(json, context);
          const problems: string[] = [];
          for (let i = 0; i < context.eventCount; i++) problems.push(context.getEventAt(i).message);
          const element = adaptiveCard.render();
          if (!element) return { problems: [...problems, 'render() returned nothing'], text: '' };
          page.document.getElementById('card').appendChild(element);
          return { problems, text: element.innerText };
        }, card);
        expect(outcome.problems).toEqual([]);
        expect(outcome.text.trim().length).toBeGreaterThan(0);
        await page.locator('#card').screenshot({ path: join(OUTPUT, `${name}.png`) });
        await page.close();
      },
      30_000
    );
  });
});
