/** Polls until `check` holds: the demo waits for federation traffic between its servers. */
export async function waitUntil(
  what: string,
  check: () => boolean,
  options: { timeoutMs?: number; signal?: AbortSignal } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  while (!check()) {
    if (options.signal?.aborted) throw new Error(`demo stopped while waiting for ${what}`);
    if (Date.now() > deadline) throw new Error(`demo federation: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
