import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/**
 * Who holds a lock: written into the lock file as JSON. `started` is when its process
 * started (Linux: clock ticks since boot, from /proc), so that a dead backend's pid
 * reused by another process is not mistaken for the backend.
 */
export type LockHolder = {
  pid: number;
  host: string;
  since: string;
  started?: string;
};

/** A lock this process holds; `release` is idempotent. */
export type HeldLock = { file: string; release(): void };

/**
 * The lock files held by this process, so that a lock left by an earlier process
 * with the same pid on the same host (a container restarted after a crash runs as
 * pid 1 again) is recognised as stale, while a second backend in this process is
 * refused like one in another process.
 */
const heldByThisProcess = new Set<string>();

type LockFile = { text: string; holder: LockHolder | 'unreadable' };

function readLock(file: string): LockFile | undefined {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const holder = JSON.parse(text);
    if (typeof holder?.pid === 'number' && typeof holder?.host === 'string') {
      return { text, holder };
    }
  } catch {
    // Falls through: not a lock file this code wrote.
  }
  return { text, holder: 'unreadable' };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** When a process started, where the system says (Linux); undefined elsewhere. */
export function processStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The fields after the command name, which is in parentheses and may hold spaces;
    // starttime is the 22nd field of the line, the 20th after the name.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/**
 * Whether the holder may still be using the data: not when its pid is dead on this
 * host, or runs a process that started at another time than the holder did.
 */
function mayBeRunning(file: string, holder: LockHolder): boolean {
  if (holder.host !== os.hostname()) return true;
  if (holder.pid === process.pid) return heldByThisProcess.has(file);
  if (!pidAlive(holder.pid)) return false;
  const started = holder.started && processStart(holder.pid);
  return !started || started === holder.started;
}

/**
 * Creates `file` with `content` atomically: a complete file or none, and never over
 * an existing one (link fails with EEXIST), so two starts cannot both win.
 */
function createExclusive(file: string, content: string): boolean {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  fs.writeFileSync(temp, content);
  try {
    fs.linkSync(temp, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    fs.rmSync(temp, { force: true });
  }
}

/**
 * Moves a stale lock out of the way, unless it changed since it was read (another
 * backend took it over first): then it is put back, and the caller looks again.
 */
function takeOver(file: string, stale: string) {
  const aside = `${file}.stale.${process.pid}.${randomBytes(4).toString(
    'hex',
  )}`;
  try {
    fs.renameSync(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (fs.readFileSync(aside, 'utf8') !== stale) {
    try {
      fs.linkSync(aside, file);
    } catch {
      // Another lock is in place by now; the caller reads that one.
    }
  }
  fs.rmSync(aside, { force: true });
}

function refusal(file: string, holder: LockHolder | 'unreadable'): Error {
  const who =
    holder === 'unreadable'
      ? `${file} exists but is not a lock file this backend wrote`
      : `another backend (pid ${holder.pid} on ${holder.host}, since ${holder.since}) holds ${file}`;
  return new Error(
    `The SQLite database can serve only one backend replica: ${who}. ` +
      'SQLite cannot be shared by replicas: to run more than one, use PostgreSQL ' +
      '(backend.database.client: pg, see app-config.production.yaml). If no other ' +
      `backend uses this data, delete ${file}.`,
  );
}

/**
 * Takes the single-replica lock of a SQLite data location: a lock file holding this
 * process's pid and host. A lock whose pid is dead on this host is taken over; any
 * other lock refuses, with a message that says to use PostgreSQL for more replicas.
 */
export function acquireSingleReplicaLock(file: string): HeldLock {
  const resolved = path.resolve(file);
  fs.mkdirSync(path.dirname(resolved), { recursive: true });
  const mine = JSON.stringify({
    pid: process.pid,
    host: os.hostname(),
    since: new Date().toISOString(),
    started: processStart(process.pid),
  } satisfies LockHolder);

  // A few rounds: a stale lock is moved aside, then the lock is created again;
  // a backend starting at the same moment may win that race, and is then refused.
  for (let round = 0; !createExclusive(resolved, mine); round++) {
    const lock = readLock(resolved);
    if (!lock) continue;
    const { holder } = lock;
    if (
      holder === 'unreadable' ||
      mayBeRunning(resolved, holder) ||
      round > 3
    ) {
      throw refusal(resolved, holder);
    }
    takeOver(resolved, lock.text);
  }
  heldByThisProcess.add(resolved);

  const release = () => {
    if (!heldByThisProcess.delete(resolved)) return;
    process.removeListener('exit', release);
    try {
      // Only our own lock: never one a later backend took over.
      if (fs.readFileSync(resolved, 'utf8') === mine) fs.rmSync(resolved);
    } catch {
      // Already gone.
    }
  };
  // A backend that exits without its shutdown hooks still frees the data.
  process.once('exit', release);
  return { file: resolved, release };
}
