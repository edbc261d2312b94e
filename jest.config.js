// ESM mode: @actions/* are ESM-only, so jest runs under --experimental-vm-modules (see package.json).
const tsJest = ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: [151002] } }];
const common = {
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: { '^.+\\.ts$': tsJest },
  testEnvironment: 'node'
};

// `jest --selectProjects bench` (npm run bench) is the only way in: the bench project is not even
// defined otherwise, so `jest` with no selection (npm test) cannot pick it up.
function selectedProjects(argv) {
  const names = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--select-?projects(?:=(.*))?$/i.exec(argv[i]);
    if (!m) continue;
    if (m[1] !== undefined) names.push(m[1]);
    else while (i + 1 < argv.length && !argv[i + 1].startsWith('-')) names.push(argv[++i]);
  }
  return names;
}
const benchSelected = selectedProjects(process.argv).includes('bench');

export default {
  projects: [
    // Pure logic: no servers, no network.
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/__tests__/unit/**/*.test.ts'] },
    // Real Debian servers (systemd-nspawn). Global setup builds the cached rootfs once.
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/__tests__/e2e/**/*.test.ts'],
      globalSetup: '<rootDir>/__tests__/support/global-setup.ts',
      globalTeardown: '<rootDir>/__tests__/support/global-teardown.ts'
    },
    // Benchmarks: only when asked for by name (npm run bench), so a plain `jest` (npm test) never runs them.
    ...(benchSelected
      ? [
          {
            ...common,
            displayName: 'bench',
            testMatch: ['<rootDir>/bench/**/*.bench.ts'],
            globalSetup: '<rootDir>/__tests__/support/global-setup.ts',
            globalTeardown: '<rootDir>/__tests__/support/global-teardown.ts'
          }
        ]
      : [])
  ],
  testTimeout: 300000
};
