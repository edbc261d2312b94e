import * as core from '@actions/core';
import { RunnerPrinter } from './ssh/output.js';

/**
 * Everything the engine prints goes through a Logger, so the action (workflow commands), the CLI
 * (plain terminal) and tests (captured lines) share one engine.
 */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  /** One collapsible section of the log per phase; returns what fn returns. */
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
  /** Registers a value that must never appear in any log line. Call before anything prints it. */
  setSecret(value: string): void;
}

/**
 * Lines (which may quote the server: pip, a dry run's diff, a lock owner) go through the one fenced
 * printer; warnings, errors and debug lines are workflow commands whose text @actions/core escapes
 * (%, \r and \n), so nothing in them can start a line of its own.
 */
const actionPrinter = new RunnerPrinter((text) => core.info(text));

export const actionLogger: Logger = {
  info: (m) => actionPrinter.print(m),
  warning: (m) => core.warning(m),
  error: (m) => core.error(m),
  debug: (m) => core.debug(m),
  group: (name, fn) => core.group(name, fn),
  setSecret: (v) => core.setSecret(v)
};

/** A terminal logger that masks secrets itself, since no runner does it for the CLI. */
export function consoleLogger(opts: { verbose?: boolean; stream?: NodeJS.WritableStream } = {}): Logger {
  const out = opts.stream ?? process.stderr;
  const secrets: string[] = [];
  const mask = (m: string): string => secrets.reduce((acc, s) => acc.split(s).join('***'), m);
  // A CLI run inside a workflow step is read by the runner too: the same printer as the action's.
  const printer = new RunnerPrinter((text) => out.write(text + '\n'));
  const write = (m: string): void => printer.print(mask(m));
  return {
    info: write,
    warning: (m) => write(`warning: ${m}`),
    error: (m) => write(`error: ${m}`),
    debug: (m) => {
      if (opts.verbose) write(`debug: ${m}`);
    },
    group: async (name, fn) => {
      write(`== ${name}`);
      return fn();
    },
    setSecret: (v) => {
      // Multi-line secrets (keys) are masked line by line, as the runner does.
      for (const part of [v, ...v.split(/\r?\n/)]) {
        if (part.trim().length >= 4 && !secrets.includes(part)) secrets.push(part);
      }
      secrets.sort((a, b) => b.length - a.length);
    }
  };
}

/** Collects every line; for tests that assert what a user would read. */
export function memoryLogger(): Logger & { lines: string[]; secrets: string[] } {
  const lines: string[] = [];
  const secrets: string[] = [];
  return {
    lines,
    secrets,
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    debug: () => undefined,
    group: async (name, fn) => {
      lines.push(`== ${name}`);
      return fn();
    },
    setSecret: (v) => secrets.push(v)
  };
}
