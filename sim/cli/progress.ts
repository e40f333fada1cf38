import cliProgress from 'cli-progress';

/** A progress bar on stderr when it is a terminal; silent otherwise (CI logs, pipes, --json). */
export interface Progress {
  update(value: number): void;
  stop(): void;
}

export function progressBar(total: number, label: string, enabled: boolean, unit = 'ticks'): Progress {
  if (!enabled || !process.stderr.isTTY) return { update() {}, stop() {} };
  const bar = new cliProgress.SingleBar(
    {
      stream: process.stderr,
      format: `${label} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}`,
      hideCursor: true,
      clearOnComplete: true,
    },
    cliProgress.Presets.shades_classic,
  );
  bar.start(total, 0);
  return {
    update: (v) => bar.update(v),
    stop: () => bar.stop(),
  };
}
