/**
 * `zksim viz [TRACE]`: serves the teaching viewer (dist-viz/, built by `npm run build:viz`) on
 * 127.0.0.1 and opens the trace in it through the URL it prints. It runs until interrupted.
 */
import { createServer, type Server } from 'node:http';
import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { extname, join, normalize, resolve } from 'node:path';
import { packageRoot, readText } from './inputs.js';
import { UsageError } from './errors.js';
import { FileSink } from './file-sink.js';
import { LESSONS, lessonById } from '../../viz/model/lessons.js';
import { parseScenario } from '../scenario/load.js';
import { runScenario } from '../scenario/simulation.js';

const TYPES: Record<string, string> = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.svg': 'image/svg+xml', '.json': 'application/json' };

export interface VizOptions {
  port?: string;
  lesson?: string;
}

/** Starts the server; resolves with it and the URL that opens the trace. */
/** `--lesson ID`: runs the lesson's scenario into a temporary trace, to open with the lesson on. */
function lessonTrace(id: string): string {
  const lesson = lessonById(id);
  if (lesson === undefined) throw new UsageError(`--lesson: unknown lesson "${id}"; the lessons are ${LESSONS.map((l) => l.id).join(', ')}`);
  const dir = mkdtempSync(join(tmpdir(), 'zksim-lesson-'));
  const path = join(dir, `${lesson.id}.ndjson`);
  const scenarioPath = join(packageRoot(), lesson.scenario);
  runScenario(parseScenario(readText(scenarioPath, 'scenario'), scenarioPath), { sink: new FileSink(path) });
  return path;
}

export function startViz(traceArg: string | undefined, opts: VizOptions): Promise<{ server: Server; url: string }> {
  if (opts.lesson !== undefined && traceArg !== undefined) throw new UsageError('--lesson runs its own scenario; give either a trace or --lesson, not both');
  const trace = opts.lesson !== undefined ? lessonTrace(opts.lesson) : traceArg;
  const site = join(packageRoot(), 'dist-viz');
  if (!existsSync(join(site, 'index.html'))) throw new UsageError(`the viewer is not built (no ${join(site, 'index.html')}); run \`npm run build:viz\` first`);
  const port = opts.port === undefined ? 0 : Number(opts.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port: expected a port number 0-65535 (0: any free port), got "${opts.port}"`);
  const tracePath = trace === undefined ? undefined : resolve(trace);
  if (tracePath !== undefined) readText(tracePath, 'trace'); // a clear error now, not a 404 later
  const server = createServer((req, res) => {
    const path = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (path === '/trace.ndjson' && tracePath !== undefined) {
      res.writeHead(200, { 'content-type': 'application/x-ndjson; charset=utf-8', 'cache-control': 'no-store' });
      res.end(readFileSync(tracePath));
      return;
    }
    const file = normalize(join(site, path === '/' ? 'index.html' : path));
    if (!file.startsWith(site) || !existsSync(file) || !statSync(file).isFile()) {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  return new Promise((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => fail(e.code === 'EADDRINUSE' ? new UsageError(`--port ${port}: the port is in use; pick another or --port 0`) : e));
    server.listen(port, '127.0.0.1', () => {
      const addr = server.address() as { port: number };
      const query = tracePath === undefined ? '' : `?trace=/trace.ndjson${opts.lesson === undefined ? '' : `&lesson=${encodeURIComponent(opts.lesson)}`}`;
      ok({ server, url: `http://127.0.0.1:${addr.port}/${query}` });
    });
  });
}

export async function vizCommand(trace: string | undefined, opts: VizOptions): Promise<number> {
  const { url } = await startViz(trace, opts);
  process.stdout.write(`zksim viz: serving on ${url}\n(open it in a browser; Ctrl-C stops)\n`);
  return new Promise(() => {}); // runs until interrupted
}
