import { planBatches } from '../../src/fleet.js';

describe('planBatches', () => {
  test('rolling one at a time by default', () => {
    expect(planBatches([1, 2, 3], 1, false)).toEqual([[1], [2], [3]]);
  });
  test('max-parallel groups servers in the order given', () => {
    expect(planBatches([1, 2, 3, 4, 5, 6], 3, false)).toEqual([
      [1, 2, 3],
      [4, 5, 6]
    ]);
    expect(planBatches([1, 2, 3, 4], 3, false)).toEqual([[1, 2, 3], [4]]);
  });
  test('a canary goes alone, first', () => {
    expect(planBatches([1, 2, 3, 4], 3, true)).toEqual([[1], [2, 3, 4]]);
    expect(planBatches([1], 3, true)).toEqual([[1]]);
  });
});
