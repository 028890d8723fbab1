/**
 * A membership rule Entra refuses. The message starts as the portal's does ("Dynamic membership rule
 * validation error: …", seen in MicrosoftDocs/azure-docs#16182, #114853, entra-docs#921); the detail after
 * it is the simulator's own sentence unless a source is cited where it is thrown.
 */
export class MembershipRuleError extends Error {
  constructor(detail: string) {
    super(`Dynamic membership rule validation error: ${detail}`);
    this.name = 'MembershipRuleError';
  }
}
