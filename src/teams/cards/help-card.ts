import type { Attachment } from 'botbuilder';
import { COMMANDS } from '../../domain/commands';
import template from './help.json';
import { renderCard } from './render-card';

export function helpCard(): Attachment {
  return renderCard(template, {
    commands: COMMANDS.filter((c) => c.available).map(({ usage, description }) => ({
      usage,
      description,
    })),
    upcoming: COMMANDS.filter((c) => !c.available).map((c) => c.name),
  });
}
