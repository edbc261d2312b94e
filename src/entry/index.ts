import './esm-shim.js';
import * as core from '@actions/core';
import { actionState } from '../phase-state.js';

// The runner calls this file for both the main and the post step; saved state tells them apart.
// Each loads only its own modules (the post step of a finished run needs no SSH at all).
const step = actionState(core).isPost()
  ? import('./post.js').then((m) => m.post())
  : import('./main.js').then((m) => m.main());
step.catch((err: unknown) => core.setFailed(err instanceof Error ? err.message : String(err)));
