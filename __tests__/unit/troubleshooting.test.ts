import { readFileSync } from 'node:fs';
import { anchor, SECTIONS, troubleshootingRef } from '../../src/troubleshooting.js';
import { sectionFor } from '../../src/error-section.js';

const readme = readFileSync('README.md', 'utf8');

test('every section an error names is a heading of the README', () => {
  for (const heading of Object.values(SECTIONS)) expect(readme).toContain(`\n### ${heading}\n`);
});

test('anchors are what GitHub makes of the headings', () => {
  expect(anchor('Connecting (step `connect`)')).toBe('connecting-step-connect');
  expect(anchor(SECTIONS.build)).toBe('building-the-release-upload-venv-check-pre-activate-nothing-switched');
  expect(troubleshootingRef('live')).toBe('Troubleshooting: README.md#going-live-switch-verify-rolled-back');
});

test('the failed step picks the section', () => {
  expect(sectionFor('deploy', 'connect')).toBe('connect');
  expect(sectionFor('deploy', 'venv')).toBe('build');
  expect(sectionFor('deploy', 'verify')).toBe('live');
  expect(sectionFor('deploy', 'lock')).toBe('server');
  expect(sectionFor('provision', 'packages')).toBe('provision');
  expect(sectionFor('rollback', 'switch')).toBe('rollback');
});
