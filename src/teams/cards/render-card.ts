import * as ACData from 'adaptivecards-templating';
import { CardFactory, type Attachment } from 'botbuilder';

/**
 * Each template parsed once: parsing its expressions is most of a card's cost (about 15 ms for the status
 * card, every `status`), expanding the parsed template well under 1 ms. Expanding is synchronous and
 * leaves the parsed template as it was, so one instance serves every turn.
 */
const parsed = new WeakMap<object, ACData.Template>();

/** Expands an Adaptive Card template (a JSON file in this folder) with data, as a message attachment. */
export function renderCard(template: object, data: object): Attachment {
  let parsedTemplate = parsed.get(template);
  if (!parsedTemplate) {
    parsedTemplate = new ACData.Template(template);
    parsed.set(template, parsedTemplate);
  }
  const card = parsedTemplate.expand({ $root: data }) as Record<string, unknown>;
  return CardFactory.adaptiveCard(card);
}
