// Output for humans: colour only when the stream is a terminal (and NO_COLOR is unset).
import pc from 'picocolors';

export interface Terminal {
  out(line: string): void;
  err(line: string): void;
  color: ReturnType<typeof pc.createColors>;
}

export function createTerminal(): Terminal {
  const colorful = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
  return {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    color: pc.createColors(colorful),
  };
}
