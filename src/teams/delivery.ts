import type { Attachment } from 'botbuilder';
import type { ApprovalRequest } from '../domain/approvals';
import type { ApprovalConditions } from '../engine/ports/notifier';
import type { CardLocation } from './card-locations';

/** A card as stored until it goes out: a sign-off card is made in the conversation it goes to. */
export type CardSpec =
  | { readonly attachment: Attachment }
  | {
      readonly approval: {
        readonly request: ApprovalRequest;
        readonly conditions?: ApprovalConditions;
      };
    };

/** One thing the channel must see. Plain data: it waits in storage until Teams has it. */
export type Delivery =
  /** A new post in the notification channel (the one set when it goes out). */
  | { readonly do: 'post'; readonly card: CardSpec }
  | { readonly do: 'post-text'; readonly text: string; readonly textFormat: 'markdown' | 'plain' }
  /** A card kept current: every posted copy updated, and posted in the channel if no copy is there. */
  | { readonly do: 'ensure'; readonly key: string; readonly card: CardSpec }
  /** Every posted copy of a card updated, or the one `at`. */
  | {
      readonly do: 'update';
      readonly key: string;
      readonly card: CardSpec;
      readonly at?: CardLocation;
    };
