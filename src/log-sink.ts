// Where log lines go: standard output, one write per event-loop turn instead of one per line.
// The lines of every request that finished in a turn leave together, after that turn's
// responses were handed to the server, so logging costs the request path one array push. A
// line is never lost on a drain and exit or on a crash: the process's exit handler writes
// whatever is pending, synchronously. The writes block when the reader of the output (journald,
// a file, a pipe) does not keep up: the log slows down rather than drops lines or grows memory.
// Only a process killed outright (SIGKILL, out of memory) loses the lines of its last turn.
import { writeSync } from "node:fs";

export interface LineSink {
  write(line: string): void;
  /** Writes what is pending now (also called by the exit handler). */
  flush(): void;
}

/** A turn that produces more than this (in characters) writes at once instead of waiting. */
const MAX_PENDING = 1 << 20;

export function createLineSink(fd: number, writeBytes = (b: Uint8Array) => writeAll(fd, b)): LineSink {
  let pending: string[] = [];
  let chars = 0;
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    if (pending.length === 0) return;
    const text = pending.length === 1 ? pending[0]! : pending.join("");
    pending = [];
    chars = 0;
    writeBytes(Buffer.from(text));
  };
  process.on("exit", flush);
  return {
    write(line) {
      pending.push(`${line}\n`);
      chars += line.length + 1;
      if (chars >= MAX_PENDING) flush();
      else if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    },
    flush,
  };
}

/** write(2) until every byte is out; a reader that went away (EPIPE) ends the attempt. */
function writeAll(fd: number, bytes: Uint8Array): void {
  let off = 0;
  while (off < bytes.byteLength) {
    try {
      off += writeSync(fd, bytes, off);
    } catch (err) {
      if ((err as { code?: string }).code !== "EAGAIN") return;
      Bun.sleepSync(1);
    }
  }
}

let stdout: LineSink | undefined;

/** The process's one sink for standard output, created on first use. */
export function stdoutSink(): LineSink {
  stdout ??= createLineSink(1);
  return stdout;
}
