// The packaged extension in a real VS Code: packs the VSIX (once per process), installs it into a
// fresh code-server, opens the workbench in Debian's Chromium and offers what a test needs to
// drive it the way an on-call engineer does. A new E2E case is a few lines:
//
//   const wb = await openWorkbench({ settings: { 'memoryTriage.kubeconfig': file } });
//   try { await wb.openActivityView('Memory Triage'); assert.ok((await wb.treeItems()).length > 0); }
//   finally { await wb.stop(); }
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { startCodeServer, type CodeServer, type CodeServerOptions } from '../../scripts/codeServer.ts';
import { launchChromium } from './browser.ts';
import { commandPalette, notificationTexts, outputText, treeRows, type TreeRow } from './workbenchDom.ts';

export const ROOT = resolve(fileURLToPath(import.meta.url), '..', '..', '..');
export const SCREENSHOTS = join(ROOT, 'test', 'e2e', 'screenshots');
export const FIXTURE_WORKSPACE = join(ROOT, 'test', 'fixtures', 'workspace');

export interface WorkbenchOptions {
  /** user settings over WORKBENCH_DEFAULTS (written to the server's User and Machine settings) */
  readonly settings?: Record<string, unknown>;
  /** folder to open; default test/fixtures/workspace */
  readonly folder?: string;
  /** extra environment for code-server and the extension host */
  readonly env?: NodeJS.ProcessEnv;
  /** browser viewport; screenshots have this size */
  readonly viewport?: { width: number; height: number };
  /** workspace trust on (the folder then opens in restricted mode), and user keybindings */
  readonly workspaceTrust?: boolean;
  readonly keybindings?: CodeServerOptions['keybindings'];
}

let packaged: string | undefined;

/** The VSIX under test: $KMT_E2E_VSIX when set (npm test packs once), else packed here once. */
export function vsixPath(): string {
  if (process.env.KMT_E2E_VSIX) return process.env.KMT_E2E_VSIX;
  if (!packaged) {
    execFileSync(process.execPath, [join(ROOT, 'scripts', 'package.mjs')], { cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit'] });
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
    packaged = join(ROOT, `${pkg.name}-${pkg.version}.vsix`);
  }
  return packaged;
}

export class Workbench {
  readonly page: Page;
  readonly server: CodeServer;
  readonly #browser: Browser;
  readonly #stateDir: string;

  constructor(page: Page, server: CodeServer, browser: Browser, stateDir: string) {
    this.page = page;
    this.server = server;
    this.#browser = browser;
    this.#stateDir = stateDir;
  }

  /** Clicks the activity-bar icon whose title is `title` and waits for its side bar. */
  async openActivityView(title: string): Promise<void> {
    const icon = this.page.locator(`.part.activitybar [aria-label^="${title}"]`).first();
    await icon.waitFor({ timeout: 30_000 });
    const sidebar = this.page.locator('.part.sidebar');
    const open = await sidebar.locator('.composite.title .title-label').textContent().catch(() => '');
    if (!open?.toLowerCase().includes(title.toLowerCase()) || !(await sidebar.isVisible())) await icon.click();
    await sidebar.locator('.composite.title .title-label', { hasText: new RegExp(title, 'i') }).waitFor({ timeout: 15_000 });
  }

  /**
   * Runs a command by its palette title ("Memory Triage: Show Log") through F1. A command that
   * shows its own quick pick passes `opensPicker`; then pick with page.keyboard or a locator.
   */
  async runCommand(title: string, opensPicker = false): Promise<void> {
    await commandPalette(this.page, title, opensPicker);
  }

  /**
   * Right-clicks the side-bar row holding `rowText` and chooses `item` in its context menu. A monaco
   * menu acts on the item under the mouse at mouseup; a click landing while it is still laid out can
   * be lost, so the item is hovered first and chosen with Enter if the menu stays.
   */
  async contextMenu(rowText: string, item: string): Promise<void> {
    await this.page.locator('.part.sidebar .monaco-list-row', { hasText: rowText }).first().click({ button: 'right' });
    const entry = this.page.locator('.monaco-menu .action-item', { hasText: item }).first();
    await entry.hover();
    await entry.click();
    if (await entry.isVisible().catch(() => false)) await this.page.keyboard.press('Enter');
  }

  /** Whether the active text editor holds `text`, as its find widget counts it (Monaco draws only what is visible). */
  async editorHas(text: string): Promise<boolean> {
    await this.page.locator('.part.editor .editor-instance .monaco-editor .view-lines').first().click();
    await this.page.keyboard.press('Control+F');
    const find = this.page.locator('.part.editor .find-widget.visible');
    await find.waitFor({ timeout: 10_000 });
    await find.locator('textarea, input').first().fill(text);
    const count = find.locator('.matchesCount');
    let said = '';
    for (const deadline = Date.now() + 10_000; !said && Date.now() < deadline; ) {
      await this.page.waitForTimeout(100);
      said = (await count.innerText()).trim(); // empty until the search has run
    }
    await this.page.keyboard.press('Escape');
    return !/^No results/i.test(said);
  }

  /** Rows of the trees in the side bar: label, description, tooltip-free. */
  async treeItems(): Promise<TreeRow[]> {
    return treeRows(this.page.locator('.part.sidebar'));
  }

  /** Polls the tree rows every second until `ok` accepts them; the rows seen go into the error. */
  async rowsUntil(what: string, ok: (rows: TreeRow[]) => boolean, timeoutMs: number): Promise<TreeRow[]> {
    const deadline = Date.now() + timeoutMs;
    let rows: TreeRow[] = [];
    while (Date.now() < deadline) {
      rows = await this.treeItems();
      if (ok(rows)) return rows;
      await new Promise((r) => setTimeout(r, 1000));
    }
    throw new Error(`timed out waiting for ${what}; rows: ${rows.map((r) => `${r.label} [${r.description}]`).join(' | ')}`);
  }

  /** The welcome text (and its buttons) a view shows when it has nothing to list. */
  async welcomeText(): Promise<string> {
    const welcome = this.page.locator('.part.sidebar .welcome-view-content').first();
    await welcome.waitFor({ timeout: 15_000 });
    return (await welcome.innerText()).replace(/\s+/g, ' ').trim();
  }

  /** Messages of the notification toasts now on screen. */
  async notifications(): Promise<string[]> {
    return notificationTexts(this.page);
  }

  /** Waits for a toast whose message contains `text`; returns the full message. */
  async waitForNotification(text: string | RegExp, timeoutMs = 15_000): Promise<string> {
    const toast = this.page.locator('.notifications-toasts .notification-list-item-message', { hasText: text }).first();
    await toast.waitFor({ timeout: timeoutMs });
    return (await toast.innerText()).trim();
  }

  /** The text of an output channel, shown in the Output panel (its visible lines). */
  async outputChannelText(channel: string): Promise<string> {
    return outputText(this.page, channel);
  }

  /** PNG of the whole workbench into test/e2e/screenshots/<name>.png; returns the path. */
  async screenshot(name: string): Promise<string> {
    mkdirSync(SCREENSHOTS, { recursive: true });
    const path = join(SCREENSHOTS, `${name}.png`);
    await this.page.screenshot({ path });
    return path;
  }

  /** Closes the browser, stops code-server (its whole process group) and removes its state. */
  async stop(): Promise<void> {
    await this.#browser.close().catch(() => undefined);
    await this.server.stop();
    rmSync(this.#stateDir, { recursive: true, force: true });
  }
}

/** code-server with the packaged extension installed, and a browser page on its workbench. */
export async function openWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
  const vsix = vsixPath();
  if (!existsSync(vsix)) throw new Error(`${vsix} does not exist`);
  const stateDir = mkdtempSync(join(tmpdir(), 'kmt-e2e-'));
  const folder = options.folder ?? FIXTURE_WORKSPACE;
  const settings = options.settings ?? {};
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  try {
    server = await startCodeServer({ folder, stateDir, settings, vsixes: [vsix], env: options.env, workspaceTrust: options.workspaceTrust, keybindings: options.keybindings });
    browser = await launchChromium();
    const page = await browser.newPage({ viewport: options.viewport ?? { width: 1280, height: 800 } });
    await page.goto(`${server.url}/?folder=${encodeURIComponent(folder)}`);
    // The workbench is usable once the activity bar and the status bar are drawn.
    await page.locator('.part.activitybar').waitFor({ timeout: 60_000 });
    await page.locator('.part.statusbar').waitFor({ timeout: 60_000 });
    // Pictures and DOM reads are steadier once the status bar no longer says "Activating Extensions".
    await page
      .locator('.part.statusbar', { hasText: 'Activating Extensions' })
      .waitFor({ state: 'detached', timeout: 10_000 })
      .catch(() => undefined);
    return new Workbench(page, server, browser, stateDir);
  } catch (err) {
    await browser?.close().catch(() => undefined);
    await server?.stop();
    rmSync(stateDir, { recursive: true, force: true });
    throw err;
  }
}
