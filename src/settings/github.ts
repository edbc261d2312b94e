import type { Inputs, Problems } from './inputs.js';

/** A GitHub deployment of the run (src/github.ts); nothing is called without a token. */
export interface GithubSettings {
  token: string;
  environment: string;
  environmentUrl: string;
}

/** `github-token`, `environment`, `environment-url`. */
export function parseGithubSettings(read: Inputs, _problems: Problems): GithubSettings {
  return {
    token: read.text('github-token'),
    environment: read.get('environment'),
    environmentUrl: read.text('environment-url')
  };
}
