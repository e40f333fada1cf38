/**
 * A throw-away standalone ZooKeeper server on a free loopback port, started and stopped with
 * .ci/zookeeper.sh (the script CI uses, so there is one way to run a server). Golden files need a fresh
 * server each: the format numbers zxids from the server's first transaction and expects the initial tree.
 */
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FreshServer {
  readonly connectString: string;
  readonly port: number;
  readonly dir: string;
  stop(): Promise<void>;
}

export interface ServerOptions {
  /** Directory with the server jars (ZK_JARS_DIR of the script); default /usr/share/java (Debian). */
  zkJarsDir?: string;
}

/** A script under .ci/, found upwards from this module (it runs from real/ and from dist/real/). */
export function ciScript(name: string): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, '.ci', name);
    if (existsSync(candidate)) return candidate;
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find .ci/${name} above ${dirname(fileURLToPath(import.meta.url))}`);
    dir = up;
  }
}

/** .ci/zookeeper.sh. */
export function zookeeperScript(): string {
  return ciScript('zookeeper.sh');
}

/** True when the script would find java and the server jars (what CI must have installed). */
export function zookeeperAvailable(options: ServerOptions = {}): boolean {
  const jars = options.zkJarsDir ?? '/usr/share/java';
  if (!existsSync(jars)) return false;
  return readdirSync(jars).some((f) => f === 'zookeeper.jar' || /^zookeeper-3[.\d]*\.jar$/.test(f)) && hasJava();
}

function hasJava(): boolean {
  try {
    execFileSync('java', ['-version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

export async function startFreshServer(options: ServerOptions = {}): Promise<FreshServer> {
  const dir = await mkdtemp(join(tmpdir(), 'zksim-zk-'));
  const port = await freePort();
  const env = { ...process.env, ZK_PORT: String(port), ...(options.zkJarsDir ? { ZK_JARS_DIR: options.zkJarsDir } : {}) };
  await run(['start', dir], env);
  let stopped = false;
  return {
    connectString: `127.0.0.1:${port}`,
    port,
    dir,
    async stop() {
      if (stopped) return;
      stopped = true;
      await run(['stop', dir], env);
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function run(args: string[], env: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('bash', [zookeeperScript(), ...args], { env, timeout: 90_000 }, (error, _stdout, stderr) => {
      if (error) reject(new Error(`zookeeper.sh ${args[0]} failed: ${stderr.trim() || error.message}`));
      else resolve();
    });
  });
}

/** A port nothing listens on right now (the kernel's pick for port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
