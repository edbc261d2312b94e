/**
 * A test that needs something this machine may lack (root, a tool): it runs when the thing is
 * there, and otherwise FAILS saying what is missing. Only an explicit opt-out skips it:
 * GUNICORN_DEPLOY_TEST_OPT_OUT=root,nginx (comma-separated names); npm test then lists what was
 * skipped, so nothing is ever skipped silently.
 */
export function needs(what: string, available: boolean): jest.It {
  if (available) return test;
  const optedOut = (process.env.GUNICORN_DEPLOY_TEST_OPT_OUT ?? '').split(',').map((s) => s.trim());
  if (optedOut.includes(what)) return test.skip;
  const failing = (name: string, _fn?: unknown, timeout?: number): void =>
    test(
      name,
      () => {
        throw new Error(
          `this test needs ${what}, which this machine lacks: install it, or set GUNICORN_DEPLOY_TEST_OPT_OUT=${what} to skip it knowingly`
        );
      },
      timeout
    );
  return Object.assign(failing, test) as unknown as jest.It;
}
