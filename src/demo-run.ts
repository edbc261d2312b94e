export async function runDemo(): Promise<number> {
  throw new Error('demo: not yet');
}
