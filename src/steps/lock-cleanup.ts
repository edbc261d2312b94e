/** Placeholder until the deploy lock lands: nothing to release. */
export async function releaseLeftLocks(_state: string): Promise<void> {}
