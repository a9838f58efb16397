/**
 * A one-line progress bar on stderr with rate and ETA, redrawn at most
 * every 200 ms; quiet when stderr is not a terminal except for a final line.
 *
 * @example
 * const bar = createProgressBar(500, "lambada"); bar.tick(); bar.done();
 */
export function createProgressBar(total: number, label: string, stream: NodeJS.WriteStream = process.stderr, now: () => number = Date.now) {
  const started = now();
  let count = 0;
  let drawn = 0;
  const render = () => {
    const seconds = Math.max((now() - started) / 1000, 1e-3);
    const rate = count / seconds;
    const eta = rate > 0 ? (total - count) / rate : Number.POSITIVE_INFINITY;
    const width = 30;
    const filled = total > 0 ? Math.round((count / total) * width) : width;
    return `${label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${count}/${total} ${rate.toFixed(1)}/s ETA ${formatDuration(eta)}`;
  };
  return {
    tick(): void {
      count += 1;
      if (stream.isTTY && now() - drawn >= 200) {
        drawn = now();
        stream.write(`\r${render()}`);
      }
    },
    done(): void {
      stream.write(`${stream.isTTY ? "\r" : ""}${render()}\n`);
    },
  };
}

/**
 * Seconds as `mm:ss` (or `h:mm:ss`); `--:--` when unknown.
 *
 * @example
 * formatDuration(75); // "01:15"
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return "--:--";
  const total = Math.round(seconds);
  const [h, m, s] = [Math.floor(total / 3600), Math.floor((total % 3600) / 60), total % 60];
  const mmss = `${String(m).padStart(2, "0")}:${String(s).padStart(2, "0")}`;
  return h > 0 ? `${h}:${mmss}` : mmss;
}
