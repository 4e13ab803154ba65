// Where VS Code 1.139's web workbench keeps things in its DOM. Kept in one file so that a
// workbench update that moves a class name is fixed in one place.
import type { Locator, Page } from 'playwright-core';

export interface TreeRow {
  readonly label: string;
  readonly description: string;
  /** nesting depth, 1 for top-level rows */
  readonly level: number;
}

const QUICK_INPUT = '.quick-input-widget';

/**
 * F1, type the command's title, click its row. Resolves when the palette has closed, or when the
 * command opened a quick pick of its own (`opensPicker`), which is then left for the caller.
 */
export async function commandPalette(page: Page, title: string, opensPicker = false): Promise<void> {
  await page.keyboard.press('F1');
  const widget = page.locator(QUICK_INPUT);
  await widget.waitFor({ state: 'visible', timeout: 10_000 });
  const input = widget.locator('input').first();
  await input.fill(`>${title}`);
  const row = widget.locator('.monaco-list-row', { hasText: title }).first();
  try {
    await row.waitFor({ timeout: 10_000 });
  } catch {
    const offered = await widget.locator('.monaco-list-row').allInnerTexts();
    await page.keyboard.press('Escape');
    throw new Error(`F1 offers no command "${title}". It offers: ${offered.slice(0, 10).join(' | ') || 'nothing'}`);
  }
  await row.click();
  if (opensPicker) {
    // The palette's input held ">title"; the command's own pick starts empty or with its text.
    await page.waitForFunction(`!document.querySelector('${QUICK_INPUT} input')?.value.startsWith('>')`, undefined, { timeout: 10_000 });
  } else {
    await widget.waitFor({ state: 'hidden', timeout: 10_000 });
  }
}

/**
 * Every row of every tree in `container` (the side bar, say), top to bottom, read in one pass: a
 * row that goes while it is read (a pod replaced) cannot leave a locator waiting for it.
 */
export async function treeRows(container: Locator): Promise<TreeRow[]> {
  type El = { getAttribute(name: string): string | null; querySelector(sel: string): { textContent: string | null } | null };
  return container.locator('.monaco-list-row').evaluateAll((els) => (els as unknown as El[]).map((row) => ({
    label: (row.querySelector('.label-name')?.textContent ?? '').trim(),
    description: (row.querySelector('.label-description')?.textContent ?? '').trim(),
    level: Number(row.getAttribute('aria-level') ?? 1),
  })));
}

export async function notificationTexts(page: Page): Promise<string[]> {
  const messages = page.locator('.notifications-toasts .notification-list-item-message');
  return (await messages.allInnerTexts()).map((t) => t.trim());
}

/** Opens the Output panel on `channel` (through F1, as a user would) and returns its text. */
export async function outputText(page: Page, channel: string): Promise<string> {
  await commandPalette(page, 'Output: Show Output Channels...', true);
  const widget = page.locator(QUICK_INPUT);
  await widget.waitFor({ state: 'visible', timeout: 10_000 });
  const row = widget.locator('.monaco-list-row', { hasText: channel }).first();
  await row.waitFor({ timeout: 10_000 });
  await row.click();
  const lines = page.locator('.part.panel .monaco-editor .view-lines').first();
  await lines.waitFor({ timeout: 10_000 });
  // Lines are drawn a moment after the editor; spaces are drawn as no-break spaces.
  for (let i = 0; i < 20 && !(await lines.innerText()).trim(); i++) await page.waitForTimeout(250);
  return (await lines.innerText()).replace(/\u00a0/g, ' ');
}
