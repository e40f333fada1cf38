/**
 * The teaching viewer ([viz], first slice): its trace model in Node, and the page in real headless
 * Chromium served by `zksim viz` — the ring's roles at chosen cursors, step and milestone keys, a
 * URL that reopens its frame, a malformed trace named by line and field, trace strings shown as
 * text, no console errors. A screenshot of the first election goes to test-artifacts/.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compareVotes, parseTrace, TraceFormatError } from '../viz/model/trace-model.js';
import { NARRATION, narrate } from '../viz/model/narration.js';
import { SpaceTime } from '../viz/model/space-time.js';
import { LESSONS, lessonStops } from '../viz/model/lessons.js';
import { ROOT, tempDir, zksim } from './helpers/cli.js';

/* The page's globals, for callbacks that run in the browser (the project compiles without the DOM lib). */
interface PageElement {
  textContent: string | null;
  getAttribute(name: string): string | null;
}
declare const document: { querySelectorAll(selector: string): Iterable<PageElement>; querySelector(selector: string): PageElement | null };
declare const window: { __pwned?: number };

const CHROMIUM = '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const ON_CI = process.env.CI === 'true';
const BIN = join(ROOT, 'bin', 'zksim.js');

const dir = tempDir();
const tracePath = join(dir, 'first-election.ndjson');

beforeAll(() => {
  const r = zksim(['run', join(ROOT, 'scenarios', 'zk-first-election-3.json'), '--trace', tracePath, '-q']);
  expect(r.code).toBe(0);
});

describe('the viewer\'s trace model', () => {
  it('rebuilds every server\'s role, vote and epoch at any cursor, the same by replay and by checkpoint', () => {
    const m = parseTrace(readFileSync(tracePath, 'utf8'));
    expect(m.servers).toEqual(['s1', 's2', 's3']);
    const end = m.stateAt(m.events.length - 1);
    expect(end.filter((n) => n.role === 'LEADING').map((n) => n.id)).toEqual(['s3']);
    expect(end.filter((n) => n.role === 'FOLLOWING').map((n) => n.id)).toEqual(['s1', 's2']);
    for (const n of end) expect(n.epoch).toBe(1);
    expect(m.stateAt(-1).every((n) => n.role === '')).toBe(true);
    // Seeking lands on the same state as replaying from the start.
    for (const i of [0, 100, 511, 512, 513, 1500, m.events.length - 1]) {
      if (i >= m.events.length) continue;
      const slow = parseTrace(readFileSync(tracePath, 'utf8'));
      expect(m.stateAt(i)).toEqual(slow.stateAt(i));
    }
    const roles = m.milestones.filter((x) => x.kind === 'role');
    expect(roles.length).toBeGreaterThanOrEqual(6);
    expect(m.milestone(-1, 1)).toBe(m.milestones[0].index);
  });

  it('keeps each server\'s received votes this round, and names the field that decides between two votes', () => {
    const m = parseTrace(readFileSync(tracePath, 'utf8'));
    const z = (counter: number) => ({ epoch: 1, counter });
    expect(compareVotes({ leader: 1, zxid: z(5), peerEpoch: 2, round: 1 }, { leader: 3, zxid: z(9), peerEpoch: 1, round: 1 })).toEqual({ field: 'epoch', sign: 1 });
    expect(compareVotes({ leader: 1, zxid: z(5), peerEpoch: 1, round: 1 }, { leader: 3, zxid: z(9), peerEpoch: 1, round: 1 })).toEqual({ field: 'zxid', sign: -1 });
    expect(compareVotes({ leader: 3, zxid: z(5), peerEpoch: 1, round: 2 }, { leader: 2, zxid: z(5), peerEpoch: 1, round: 1 })).toEqual({ field: 'sid', sign: 1 });
    // When s1 first sees a quorum, the votes it counted are in its table.
    const i = m.events.findIndex((e) => e.kind === 'note' && e.node === 's1' && (e.data as { fle?: string } | undefined)?.fle === 'finalize');
    expect(i).toBeGreaterThan(0);
    const s1 = m.stateAt(i).find((n) => n.id === 's1')!;
    const supporters = (m.events[i] as { data: { supporters: number[] } }).data.supporters.filter((sid) => sid !== 1).map((sid) => `s${sid}`);
    for (const from of supporters) expect(compareVotes(s1.received[from].vote, s1.vote!).field).toBe('equal');
  });

  it('lays out messages from send to delivery and each server\'s phases as bands', () => {
    const m = parseTrace(readFileSync(tracePath, 'utf8'));
    const st = new SpaceTime(m.events, m.servers);
    const notes = st.messages.filter((x) => x.type === 'notification');
    expect(notes.length).toBeGreaterThan(3);
    for (const x of st.messages) if (x.endIndex !== undefined) expect(x.endIndex).toBeGreaterThan(x.sendIndex);
    const s3 = st.bands.filter((b) => b.node === 's3').map((b) => b.band);
    expect(s3).toEqual(expect.arrayContaining(['election', 'discovery', 'sync', 'broadcast']));
    expect(s3.indexOf('election')).toBeLessThan(s3.indexOf('broadcast'));
    // Heartbeats are counted, not drawn.
    const end = m.events[m.events.length - 1].at;
    const w = st.window(end - 5000, end);
    expect(w.messages.some((x) => x.type === 'PING')).toBe(false);
    expect([...w.heartbeats.values()].reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
  });

  it('finds every stop of every lesson in its scenario\'s trace, in order', () => {
    for (const lesson of LESSONS) {
      const path = join(dir, `${lesson.id}.ndjson`);
      expect(zksim(['run', join(ROOT, lesson.scenario), '--trace', path, '-q']).code).toBe(0);
      const m = parseTrace(readFileSync(path, 'utf8'));
      const stops = lessonStops(lesson, m.events);
      expect(stops.length, lesson.id).toBe(lesson.steps.length);
      for (let k = 1; k < stops.length; k++) expect(stops[k].index).toBeGreaterThan(stops[k - 1].index);
    }
  });

  it('narrates every kind of event it meets, and has a template for every kind there is', () => {
    const m = parseTrace(readFileSync(tracePath, 'utf8'));
    const kinds = new Set(m.events.map((e) => e.kind));
    for (const e of m.events) expect(narrate(e).length, e.kind).toBeGreaterThan(0);
    for (const k of kinds) expect(Object.keys(NARRATION)).toContain(k);
    expect(Object.keys(NARRATION).length).toBe(21);
  });

  it('names the line and field of a malformed trace, and refuses a newer format', () => {
    const text = readFileSync(tracePath, 'utf8').split('\n');
    const broken = [...text.slice(0, 3), '{"seq": 2, "kind": "note"}', ...text.slice(3)].join('\n');
    expect(() => parseTrace(broken)).toThrow(/line 4: field "at"/);
    const newer = [JSON.stringify({ ...JSON.parse(text[0]), format: 99 }), ...text.slice(1)].join('\n');
    expect(() => parseTrace(newer)).toThrow(TraceFormatError);
    expect(() => parseTrace(newer)).toThrow(/format 99, newer/);
  });
});

describe('the viewer in headless Chromium', () => {
  let server: ChildProcess | undefined;
  let url = '';

  beforeAll(async () => {
    server = spawn(process.execPath, [BIN, 'viz', tracePath, '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    url = await new Promise<string>((ok, fail) => {
      let out = '';
      server!.stdout!.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /serving on (\S+)/.exec(out);
        if (m !== null) ok(m[1]);
      });
      server!.on('exit', (code) => fail(new Error(`zksim viz exited (${code}): ${out}`)));
    });
  });

  afterAll(() => {
    server?.kill();
  });

  it.skipIf(!HAVE_CHROMIUM && !ON_CI)('shows the first election step by step, by milestone, and from a link', async () => {
    if (!HAVE_CHROMIUM) throw new Error(`CI=true but ${CHROMIUM} does not exist: install Chromium (apt-get install -y chromium) so the viewer is tested in a real browser`);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless'] });
    try {
      const page = await browser.newPage();
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      // Reduced motion: no colour transitions, so the screenshot below shows settled colours.
      await page.emulateMedia({ reducedMotion: 'reduce' });
      await page.goto(url);
      await page.waitForSelector('#ring g.node[data-node="s3"]');
      const roles = () => page.evaluate(() => [...document.querySelectorAll('#ring g.node')].map((g) => `${g.getAttribute('data-node')}:${g.getAttribute('data-role')}`));
      expect(await roles()).toEqual(['s1:', 's2:', 's3:']);

      await page.keyboard.press('End');
      expect(await roles()).toEqual(['s1:FOLLOWING', 's2:FOLLOWING', 's3:LEADING']);
      expect(await page.textContent('#panel tbody tr[data-node="s3"]')).toContain('broadcast');

      await page.keyboard.press('Home');
      await page.keyboard.press('ArrowRight');
      expect(await page.textContent('#time')).toContain('event 1 of');
      // Milestones: the first is s1's first vote (election round 1).
      await page.keyboard.press('Shift+ArrowRight');
      const narration = (await page.textContent('#narration')) ?? '';
      expect(narration).toMatch(/election round 1|LOOKING/);

      // Step to the first role decision by milestones, then reopen that frame from its URL.
      for (let i = 0; i < 40 && !(await roles()).some((r) => r.endsWith(':LEADING')); i++) await page.keyboard.press('Shift+ArrowRight');
      expect((await roles()).some((r) => r === 's3:LEADING')).toBe(true);
      const frame = page.url();
      expect(frame).toMatch(/#e=\d+$/);
      const text = await page.textContent('#narration');
      const again = await browser.newPage();
      await again.goto(frame);
      await again.waitForSelector('#ring g.node[data-role="LEADING"]');
      expect(await again.textContent('#narration')).toBe(text);
      await again.close();

      // The election panel explains s1's tally when it first sees a quorum.
      const at = await page.evaluate(() => {
        const v = window as unknown as { zksimViz: { model: { events: { kind: string; node?: string; data?: { fle?: string } }[] }; seek(i: number): void } };
        const i = v.zksimViz.model.events.findIndex((e) => e.kind === 'note' && e.node === 's1' && e.data?.fle === 'finalize');
        v.zksimViz.seek(i);
        return i;
      });
      expect(at).toBeGreaterThan(0);
      await page.keyboard.press('1');
      expect(await page.textContent('#fle-title')).toBe("s1's election");
      expect(await page.textContent('#fle-summary')).toMatch(/round 1: s1 proposes \(0, 0x0, s\d\)/);
      // The space-time diagram around it: notifications drawn, s1's lane in its election band.
      expect(await page.evaluate(() => [...document.querySelectorAll('#spacetime line.msg[data-type="notification"]')].length)).toBeGreaterThan(0);
      expect(await page.evaluate(() => [...document.querySelectorAll('#spacetime rect[data-node="s1"][data-band="election"]')].length)).toBe(1);
      const cells = await page.evaluate(() => [...document.querySelectorAll('#fle tbody td:last-child')].map((td) => td.textContent));
      expect(cells.length).toBeGreaterThan(0);
      expect(cells.some((c) => c === 'the same vote')).toBe(true);

      // The frame the README shows: the end of the first election, s1's election explained.
      await page.evaluate(() => {
        const v = window as unknown as { zksimViz: { model: { events: { kind: string; node?: string; data?: { fle?: string } }[] }; seek(i: number): void } };
        v.zksimViz.seek(v.zksimViz.model.events.findIndex((e) => e.kind === 'note' && e.node === 's1' && e.data?.fle === 'decide'));
      });
      mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
      await page.screenshot({ path: join(ROOT, 'test-artifacts', 'viz-first-election.png'), fullPage: true });
      expect(problems).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it.skipIf(!HAVE_CHROMIUM && !ON_CI)('opens the first-election lesson with one command and walks its stops', async () => {
    if (!HAVE_CHROMIUM) throw new Error(`CI=true but ${CHROMIUM} does not exist: install Chromium (apt-get install -y chromium)`);
    const lesson = spawn(process.execPath, [BIN, 'viz', '--lesson', 'first-election', '--port', '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless'] });
    try {
      const lessonUrl = await new Promise<string>((ok, fail) => {
        let out = '';
        lesson.stdout!.on('data', (b: Buffer) => {
          out += b.toString();
          const m = /serving on (\S+)/.exec(out);
          if (m !== null) ok(m[1]);
        });
        lesson.on('exit', (code) => fail(new Error(`zksim viz --lesson exited (${code}): ${out}`)));
      });
      expect(lessonUrl).toMatch(/lesson=first-election/);
      const page = await browser.newPage();
      await page.goto(lessonUrl);
      await page.waitForSelector('#lesson:not([hidden])');
      expect(await page.textContent('#lesson-caption')).toMatch(/votes for itself/);
      const captions: string[] = [];
      for (let i = 0; i < 10; i++) {
        captions.push((await page.textContent('#lesson-caption')) ?? '');
        await page.keyboard.press('n');
      }
      expect(captions.some((c) => /finalizeWait/.test(c))).toBe(true);
      expect(await page.textContent('#lesson-caption')).toMatch(/established/);
      expect(await page.evaluate(() => [...document.querySelectorAll('#ring g.node')].map((g) => g.getAttribute('data-role')))).toContain('LEADING');
      await page.keyboard.press('p');
      expect(await page.textContent('#lesson-caption')).toMatch(/Synchronization/);
    } finally {
      await browser.close();
      lesson.kill();
    }
  });

  it('refuses an unknown lesson with exit 2', () => {
    const r = zksim(['viz', '--lesson', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--lesson: unknown lesson "nope"; the lessons are first-election, leader-crash, minority/);
  });

  it.skipIf(!HAVE_CHROMIUM && !ON_CI)('names a malformed trace\'s line and field, and shows trace strings as text', async () => {
    if (!HAVE_CHROMIUM) throw new Error(`CI=true but ${CHROMIUM} does not exist: install Chromium (apt-get install -y chromium)`);
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless'] });
    try {
      const page = await browser.newPage();
      const lines = readFileSync(tracePath, 'utf8').split('\n');
      const hostile = '<img src=x onerror="window.__pwned=1"><b>bold</b>';
      const withHtml = [lines[0], JSON.stringify({ seq: 0, at: 0, kind: 'note', node: 's1', text: hostile })].join('\n');
      await page.goto(url.replace(/\?.*$/, ''));
      await page.setInputFiles('#file', { name: 'hostile.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(withHtml) });
      await page.waitForSelector('#ring g.node');
      await page.keyboard.press('End');
      expect(await page.textContent('#narration')).toContain(hostile);
      expect(await page.evaluate(() => document.querySelector('#narration b'))).toBeNull();
      expect(await page.evaluate(() => window.__pwned)).toBeUndefined();

      const broken = [lines[0], '{"seq": 0, "kind": "note"}'].join('\n');
      await page.setInputFiles('#file', { name: 'broken.ndjson', mimeType: 'application/x-ndjson', buffer: Buffer.from(broken) });
      await page.waitForSelector('#error:not([hidden])');
      expect(await page.textContent('#error')).toMatch(/broken\.ndjson: line 2: field "at"/);
    } finally {
      await browser.close();
    }
  });
});

writeFileSync(join(dir, '.keep'), '');
