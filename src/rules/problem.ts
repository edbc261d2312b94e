/** What is wrong with a value (a phrase without the input's name), or undefined when it passes. */
export type Problem = string | undefined;

/** Thrown by render when a value reaches it unchecked: a bug in this tool, not the user's input. */
export function assertRule(field: string, problem: Problem): void {
  if (problem) {
    throw new Error(
      `internal error: invalid ${field}: ${problem} (this value should have been refused when the inputs were read)`
    );
  }
}
