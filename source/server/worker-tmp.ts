// Gunicorn's WorkerTmp: the worker's heartbeat is the mtime of an unlinked temporary file.
// The master creates it before the fork and the worker inherits the descriptor (here as an
// extra stdio fd). A file rather than an IPC ping because notify() is one synchronous
// syscall: it works from inside a blocking read, and a worker whose event loop is stuck
// cannot fake it, exactly like a Python worker stuck in a request.
import {closeSync, fchmodSync, fstatSync, futimesSync, openSync, unlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import process from 'node:process';

let made = 0;
const MODE = 0o600;
// The abort mark is in the mode: a size change (ftruncate) would also touch the mtime, the heartbeat.
const ABORT_MODE = 0o400;

export class WorkerTmp {
	/** mtime (ms) when the master made it: until it changes, the worker has not run any code yet. */
	created = 0;

	private constructor(readonly fd: number) {}

	/** In the master, before the fork: create, then unlink so nothing is left behind. */
	static create(): WorkerTmp {
		const name = join(tmpdir(), `wgunicorn-walkthrough-${process.pid}-${++made}-${Math.random().toString(36).slice(2)}`);
		const fd = openSync(name, 'wx+', MODE);
		unlinkSync(name);
		fchmodSync(fd, MODE); // whatever the umask: only markAbort() makes it ABORT_MODE
		const tmp = new WorkerTmp(fd);
		futimesSync(fd, 1, 1); // the epoch (and a second): no worker notify() can look like it
		tmp.created = tmp.lastUpdate();
		return tmp;
	}

	/** In the worker: the descriptor it inherited. */
	static inherited(fd: number): WorkerTmp {
		return new WorkerTmp(fd);
	}

	notify(): void {
		const now = Date.now() / 1000;
		futimesSync(this.fd, now, now);
	}

	/** ms since the epoch of the last notify(). */
	lastUpdate(): number {
		return fstatSync(this.fd).mtimeMs;
	}

	/** In the master, just before SIGABRT: a worker blocked in a request polls this, it cannot run a handler. */
	markAbort(): void {
		fchmodSync(this.fd, ABORT_MODE);
	}

	/** In the worker: one fstat, cheap enough between two slices of a blocking sleep. */
	abortMarked(): boolean {
		return (fstatSync(this.fd).mode & 0o777) === ABORT_MODE;
	}

	close(): void {
		try {
			closeSync(this.fd);
		} catch {
			// already closed
		}
	}
}
