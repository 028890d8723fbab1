import * as ACData from 'adaptivecards-templating';
import { helpCard } from '../../src/teams/cards/help-card';
import { renderCard } from '../../src/teams/cards/render-card';

// The templating library as it is, with the templates it parses counted.
const parses: object[] = [];
jest.mock('adaptivecards-templating', () => {
  const actual = jest.requireActual<typeof ACData>('adaptivecards-templating');
  class CountedTemplate extends actual.Template {
    constructor(payload: object) {
      super(payload);
      parses.push(payload);
    }
  }
  return { ...actual, Template: CountedTemplate };
});

const TEMPLATE = {
  type: 'AdaptiveCard',
  version: '1.5',
  body: [
    { type: 'TextBlock', text: 'Wave ${number}: ${status}' },
    { type: 'TextBlock', $when: '${paused}', text: 'Paused by ${pausedBy}' },
    { type: 'TextBlock', $data: '${rows}', text: '${name}: ${removed} removed' },
  ],
};

describe('rendering cards', () => {
  it('parses each card’s template once, however many times the card is sent', () => {
    parses.length = 0;
    for (let turn = 0; turn < 5; turn++) helpCard();
    expect(parses).toHaveLength(1);
  });

  it('shows only the data of each rendering, the same as a template parsed afresh', () => {
    const first = {
      number: 1,
      status: 'running',
      paused: true,
      pausedBy: 'Adele Vance',
      rows: [{ name: 'EMS', removed: 20 }],
    };
    const second = {
      number: 2,
      status: 'completed',
      paused: false,
      rows: [
        { name: 'EMS', removed: 6400 },
        { name: 'Office 365 E3', removed: 1280 },
      ],
    };
    const fresh = (data: object) => new ACData.Template(TEMPLATE).expand({ $root: data });
    expect(renderCard(TEMPLATE, first).content).toEqual(fresh(first));
    expect(renderCard(TEMPLATE, second).content).toEqual(fresh(second));
    expect(renderCard(TEMPLATE, first).content).toEqual(fresh(first));
  });
});
