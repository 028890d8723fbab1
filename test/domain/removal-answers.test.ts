import { isAlreadyGoneAnswer, isDefiniteRefusal } from '../../src/domain/read-freshness';

const answer = (message: string) => new Error(`400 Request_BadRequest: ${message}`);

describe("Graph's answers to a removal, as the wave reads them", () => {
  it.each([
    'User does not have a corresponding license.',
    'User license is inherited from a group membership and it cannot be removed directly from the user.',
  ])(
    'takes "%s" as gone before this removal: a replica may not show it yet, and the bot may not have removed it',
    (message) => {
      expect(isAlreadyGoneAnswer(answer(message))).toBe(true);
      expect(isDefiniteRefusal(answer(message))).toBe(false);
    }
  );

  it('takes any other 400 as a refusal that changed nothing', () => {
    const refusal = answer(
      'License assignment failed because service plans are mutually exclusive.'
    );
    expect(isDefiniteRefusal(refusal)).toBe(true);
    expect(isAlreadyGoneAnswer(refusal)).toBe(false);
    expect(isAlreadyGoneAnswer(null)).toBe(false);
  });
});
