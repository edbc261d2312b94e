import './esm-shim.js';
import * as core from '@actions/core';
import { main } from './main.js';
import { post } from './post.js';

// The runner calls this file for both the main and the post step; saved state tells them apart.
(core.getState('isPost') ? post() : main()).catch((err) =>
  core.setFailed(err instanceof Error ? err.message : String(err))
);
