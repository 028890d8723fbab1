import * as ACData from 'adaptivecards-templating';
import { CardFactory, type Attachment } from 'botbuilder';

/** Expands an Adaptive Card template (a JSON file in this folder) with data, as a message attachment. */
export function renderCard(template: object, data: object): Attachment {
  const card = new ACData.Template(template).expand({ $root: data }) as Record<string, unknown>;
  return CardFactory.adaptiveCard(card);
}
