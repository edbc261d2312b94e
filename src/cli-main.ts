import './esm-shim.js';
import { cli } from './cli.js';
import { fenceForRunner } from './ssh/output.js';

cli(process.argv.slice(2)).then(
  (code) => (process.exitCode = code),
  (err) => {
    process.stderr.write(
      `${fenceForRunner(err instanceof Error ? (err.stack ?? err.message) : String(err))}\n`
    );
    process.exitCode = 1;
  }
);
