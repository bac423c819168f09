/** Screenshots of each e2e step, kept as test artifacts under test-results/e2e/ (gitignored). */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { REPO_ROOT } from '../src-core/testing/server-process';

export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'test-results', 'e2e');

export class StepScreenshots {
  private step = 0;
  readonly saved: string[] = [];

  constructor(
    private readonly page: Page,
    private readonly prefix: string,
  ) {
    mkdirSync(SCREENSHOT_DIR, { recursive: true });
  }

  async take(name: string): Promise<string> {
    this.step++;
    const file = path.join(
      SCREENSHOT_DIR,
      `${this.prefix}-${String(this.step).padStart(2, '0')}-${name}.png`,
    );
    await this.page.screenshot({ path: file });
    this.saved.push(file);
    return file;
  }
}
