/**
 * Entry point for @github/local-action (GitHub's tool that runs an action on a workstation):
 * `npx local-action run . src/entry/local-action.ts .env`. It imports a TypeScript entry (through tsx)
 * and calls its exported run(), with @actions/core replaced by its own stubs. It cannot run
 * dist/index.js: a bundle carries its own copy of @actions/core that no stub can reach, and it
 * exports no run(). __tests__/e2e/local-action.test.ts runs it against a sandbox server.
 */
export { main as run } from './main.js';
