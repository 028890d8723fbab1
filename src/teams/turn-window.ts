import type { TeamsAdapter } from '@microsoft/teams-ai';
import { TurnContext, type ConversationReference } from 'botbuilder';
import { errorText } from '../error-text';

/** Teams re-delivers a turn it has no answer to after 15 s; every turn answers well within 2 s. */
export const ANSWER_WITHIN_MS = 1_200;
/** How often the "working on it" message says how long it has been. */
const PROGRESS_EVERY_MS = 10_000;

/**
 * Runs a command so its turn answers within Teams' window whatever the tenant's size. The work runs in
 * a proactive turn of its own (the conversation reference of the message, so its replies are replies to
 * that message); the message's turn waits for it only briefly, and for nothing else. Work that takes
 * longer is said to have started (from another turn, so the connector's pace does not hold the answer),
 * that message is updated in place as it goes and when it ends, and the answer follows when ready.
 */
export class TurnWindow {
  private readonly running = new Set<Promise<void>>();

  constructor(
    private readonly adapter: TeamsAdapter,
    private readonly botAppId: string,
    private readonly log: (line: string) => void,
    private readonly answerWithinMs = ANSWER_WITHIN_MS,
    private readonly progressEveryMs = PROGRESS_EVERY_MS
  ) {}

  async run(
    context: TurnContext,
    what: string,
    work: (context: TurnContext) => Promise<void>
  ): Promise<void> {
    const reference = TurnContext.getConversationReference(context.activity);
    const startedAt = Date.now();
    const done = this.proactive(reference, work);
    let timer: NodeJS.Timeout | undefined;
    const inTime = await Promise.race([
      done.then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), this.answerWithinMs);
      }),
    ]);
    clearTimeout(timer);
    if (inTime) return;
    // Said from a turn of its own: this turn answers Teams now, however slow the connector is to take it.
    this.track(this.announceAndFollow(reference, what, startedAt, done));
  }

  /** Resolves when every command still running in the background has answered (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.all([...this.running]);
  }

  /** The work in a turn of its own; a failure that escaped the command's own handling is logged. */
  private proactive(
    reference: Partial<ConversationReference>,
    work: (context: TurnContext) => Promise<void>
  ): Promise<boolean> {
    let succeeded = true;
    const fail = (error: unknown) => {
      succeeded = false;
      this.log(`A command failed after its turn: ${errorText(error)}`);
    };
    return this.track(
      this.adapter
        .continueConversationAsync(this.botAppId, reference, async (context) => {
          // The proactive turn's activity has an id of its own; its replies answer the message instead.
          context.activity.id = reference.activityId;
          // Caught here: the adapter's turn-error handler would otherwise take it, unseen.
          await work(context).catch(fail);
        })
        .catch(fail)
        .then(() => succeeded)
    );
  }

  /** Says the work has started, as a reply to the message, then keeps that reply up to date. */
  private async announceAndFollow(
    reference: Partial<ConversationReference>,
    what: string,
    startedAt: number,
    done: Promise<boolean>
  ): Promise<void> {
    let activityId: string | undefined;
    try {
      await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
        context.activity.id = reference.activityId;
        const started = await context.sendActivity(
          `Working on \`${what}\`: this tenant takes a while. I post the answer here when it is ready.`
        );
        activityId = started?.id;
      });
    } catch (error) {
      this.log(`Could not say that \`${what}\` has started: ${errorText(error)}`);
    }
    await this.followUntilDone(reference, activityId, what, startedAt, done);
  }

  private async followUntilDone(
    reference: Partial<ConversationReference>,
    activityId: string | undefined,
    what: string,
    startedAt: number,
    done: Promise<boolean>
  ): Promise<void> {
    if (!activityId) return void (await done);
    const seconds = () => Math.round((Date.now() - startedAt) / 1000);
    const ticker = setInterval(
      () =>
        void this.update(
          reference,
          activityId,
          `Working on \`${what}\`: ${seconds()} s so far. I post the answer here when it is ready.`
        ),
      this.progressEveryMs
    );
    ticker.unref();
    const succeeded = await done;
    clearInterval(ticker);
    await this.update(
      reference,
      activityId,
      succeeded
        ? `\`${what}\` took ${seconds()} s; the answer is below.`
        : `\`${what}\` stopped after ${seconds()} s on an unexpected error; nothing more will come. Please try again.`
    );
  }

  private async update(
    reference: Partial<ConversationReference>,
    activityId: string,
    text: string
  ): Promise<void> {
    try {
      await this.adapter.continueConversationAsync(this.botAppId, reference, async (context) => {
        await context.updateActivity({ type: 'message', id: activityId, text });
      });
    } catch (error) {
      this.log(`Could not update the "working on it" message: ${errorText(error)}`);
    }
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    const settled = promise.then(
      () => undefined,
      () => undefined
    );
    this.running.add(settled);
    void settled.then(() => this.running.delete(settled));
    return promise;
  }
}
