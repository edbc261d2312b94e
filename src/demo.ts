/** `gunicorn-deploy demo`: loaded only when asked for, so the action never loads the sandbox. */
export async function demo(argv: string[]): Promise<number> {
  const { runDemo } = await import('./demo-run.js');
  return runDemo(argv);
}
