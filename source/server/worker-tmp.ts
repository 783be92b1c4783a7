// Gunicorn's WorkerTmp: the worker's heartbeat is the mtime of an unlinked temporary file.
// The master creates it before the fork and the worker inherits the descriptor (here as an
// extra stdio fd). A file rather than an IPC ping because notify() is one synchronous
// syscall: it works from inside a blocking read, and a worker whose event loop is stuck
// cannot fake it, exactly like a Python worker stuck in a request.
import {closeSync, fstatSync, futimesSync, openSync, unlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import process from 'node:process';

let made = 0;

export class WorkerTmp {
	/** mtime (ms) when the master made it: until it changes, the worker has not run any code yet. */
	created = 0;

	private constructor(readonly fd: number) {}

	/** In the master, before the fork: create, then unlink so nothing is left behind. */
	static create(): WorkerTmp {
		const name = join(tmpdir(), `wgunicorn-walkthrough-${process.pid}-${++made}-${Math.random().toString(36).slice(2)}`);
		const fd = openSync(name, 'wx+', 0o600);
		unlinkSync(name);
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

	close(): void {
		try {
			closeSync(this.fd);
		} catch {
			// already closed
		}
	}
}
