/**
 * Text someone typed (a reason, a display name, a group's name), made to show as exactly that text
 * inside the bot's own words: never as a link, emphasis, list, heading or HTML, never as extra lines.
 */
import { REASON_MAX_LENGTH } from '../../domain/approval-input';

/** Entra caps display names of users and groups at 256 characters. */
export const NAME_MAX_LENGTH = 256;
export { REASON_MAX_LENGTH };

/**
 * What Teams renders as markdown in card TextBlocks (links, emphasis) and in messages (also code,
 * headings, quotes, strikethrough, tables, HTML tags): escaped with a backslash, as CommonMark says.
 */
const MARKDOWN = /[\\`*_[\]<>#~|]/g;
/**
 * Control characters, and characters that reorder or hide text (bidi overrides, zero-width spaces):
 * they could make a reason read differently from what is stored. (ZWJ stays: emoji are built with it.)
 */
const INVISIBLE = /[\p{Cc}\u200b\u200c\u200e\u200f\u202a-\u202e\u2060-\u2069\ufeff]/gu;

/** Typed text on one line, without invisible characters, cut to `max` characters with "…". */
export function plainTyped(text: string, max: number): string {
  const line = text.replace(/\s+/g, ' ').replace(INVISIBLE, '').trim();
  const characters = [...line];
  return characters.length > max ? `${characters.slice(0, max - 1).join('')}…` : line;
}

/**
 * Plain text (the bot's sentences that carry names from the directory, such as a sign-off's summary)
 * for a TextBlock: whatever markdown is in it shows as the characters they are.
 */
export function escapeMarkdown(text: string): string {
  return (
    text
      .replace(MARKDOWN, '\\$&')
      // A line that starts with "- ", "+ " or "1. " becomes a list item.
      .replace(/^(\d+)\./gm, '$1\\.')
      .replace(/^[-+]/gm, '\\$&')
  );
}

/** Typed text for a card TextBlock or FactSet (both render markdown): shown as the text it is. */
export const markdownSafe = (text: string, max: number): string =>
  escapeMarkdown(plainTyped(text, max));

/** A person's or group's name inside a card. */
export const nameInCard = (name: string): string => markdownSafe(name, NAME_MAX_LENGTH);

/** A reason someone typed, inside a card. */
export const reasonInCard = (reason: string): string => markdownSafe(reason, REASON_MAX_LENGTH);
