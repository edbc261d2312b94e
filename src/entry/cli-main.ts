import './esm-shim.js';
import { cli } from './cli.js';
import { fenceForRunner } from '../ssh/output.js';

// An error that reaches here is a user's problem (no root, a missing tool, an unreadable file):
// its message says what to do, and a stack trace would only bury it. GUNICORN_DEPLOY_VERBOSE=1
// shows where it came from, for a bug report.
cli(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err) => {
    const verbose = !!process.env.GUNICORN_DEPLOY_VERBOSE;
    const text = err instanceof Error ? ((verbose ? err.stack : undefined) ?? err.message) : String(err);
    process.stderr.write(`${fenceForRunner(`gunicorn-deploy: ${text}`)}\n`);
    process.exitCode = 1;
  }
);
