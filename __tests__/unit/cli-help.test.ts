import { readActionInputs } from '../../src/action-inputs.js';
import { helpText, helpWidth, inputHelp, wrap } from '../../src/entry/help.js';

const inputs = readActionInputs();

test.each([80, 120])('--help fits %i columns (a word longer than a line stays whole)', (width) => {
  const long = helpText(inputs, width)
    .split('\n')
    .filter((l) => l.length > width && l.trim().includes(' '));
  expect(long).toEqual([]);
  // Every input is there, each meaning in full.
  const flat = helpText(inputs, width).replace(/\s+/g, ' ');
  for (const i of inputs) expect(flat).toContain(i.description.replace(/\s+/g, ' '));
});

test("the width is the terminal's, 80 when stdout is not a terminal", () => {
  expect(helpWidth({ isTTY: true, columns: 132 })).toBe(132);
  expect(helpWidth({ isTTY: false, columns: 132 })).toBe(80);
  expect(helpWidth({})).toBe(80);
});

test('--help INPUT shows that input alone, with or without its dashes; an unknown name is undefined', () => {
  const one = inputHelp(inputs, 'app-name', 80, 'GUNICORN_DEPLOY_APP_NAME')!;
  expect(one).toMatch(/^ {2}--app-name \(required\)\n {6}The app's name/);
  expect(one).toContain('GUNICORN_DEPLOY_APP_NAME');
  expect(one).not.toContain('--host');
  expect(inputHelp(inputs, '--json', 80, 'X')).toMatch(/^ {2}--json\n/);
  expect(inputHelp(inputs, 'no-such-input', 80, 'X')).toBeUndefined();
});

test('wrap fills words into lines of the width, with the indent', () => {
  expect(wrap('aa bb cc dd', 8, '  ')).toEqual(['  aa bb', '  cc dd']);
  expect(wrap('a-very-long-word x', 5)).toEqual(['a-very-long-word', 'x']);
});

test('on a narrow terminal the meanings wrap to it too', () => {
  const meanings = helpText(inputs, 50)
    .split('\n')
    .filter((l) => l.startsWith('      ') && !l.includes('gunicorn-deploy '));
  expect(meanings.length).toBeGreaterThan(inputs.length);
  expect(meanings.filter((l) => l.length > 50 && l.trim().includes(' '))).toEqual([]);
});
