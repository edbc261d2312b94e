/** The demo grows with the deploy mode; until then it runs preflight against a fresh sandbox. */
export async function demo(_argv: string[]): Promise<number> {
  const { runDemo } = await import('./demo-run.js');
  return runDemo();
}
