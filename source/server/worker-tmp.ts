// Gunicorn's WorkerTmp, as in 20.1 (workers/workertmp.py): the worker's heartbeat is the
// ctime of an unlinked temporary file, which notify() changes with fchmod (the mode flips
// between 0 and 1). Gunicorn 22.0 switched to os.utime and the mtime; we follow 20.1.
// The master creates the file before the fork and the worker inherits the descriptor (here as
// an extra stdio fd). A file rather than an IPC ping because notify() is one synchronous
// syscall: it works from inside a blocking read, and a worker whose event loop is stuck
// cannot fake it, exactly like a Python worker stuck in a request.
import {closeSync, fchmodSync, fstatSync, ftruncateSync, openSync, unlinkSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import process from 'node:process';

let made = 0;

/**
 * What the master asked of the worker, written in the file's size just before it signals:
 * a Python worker runs its signal handler even inside a request, a node worker blocked in one
 * cannot, so it polls this between slices of the block (and before it serves a connection).
 */
export type Mark = 'term' | 'quit' | 'abort';
const MARKS: readonly Mark[] = ['term', 'quit', 'abort']; // size 1, 2, 3: a later one outranks

export class WorkerTmp {
	/** ctime (ns) when the master made it: until it changes, the worker has not run any code yet. */
	created = 0n;
	private spinner = 0;

	private constructor(readonly fd: number) {}

	/** In the master, before the fork: create, then unlink so nothing is left behind. */
	static create(): WorkerTmp {
		const name = join(
			tmpdir(),
			`wgunicorn-walkthrough-${process.pid}-${++made}-${Math.random().toString(36).slice(2)}`,
		);
		const tmp = new WorkerTmp(openSync(name, 'wx+', 0o600));
		unlinkSync(name);
		tmp.created = tmp.ctime();
		return tmp;
	}

	/** In the worker: the descriptor it inherited. */
	static inherited(fd: number): WorkerTmp {
		return new WorkerTmp(fd);
	}

	notify(): void {
		this.spinner = (this.spinner + 1) % 2;
		fchmodSync(this.fd, this.spinner);
	}

	private ctime(): bigint {
		return fstatSync(this.fd, {bigint: true}).ctimeNs;
	}

	/** ms since the epoch of the last notify() (of the last change to the file). */
	lastUpdate(): number {
		return Number(this.ctime() / 1_000_000n);
	}

	/** True until the worker's first notify(). */
	untouched(): boolean {
		return this.ctime() === this.created;
	}

	/** In the master, just before it signals the worker. */
	mark(what: Mark): void {
		const size = MARKS.indexOf(what) + 1;
		const fresh = this.untouched();
		if (fstatSync(this.fd).size < size) ftruncateSync(this.fd, size);
		if (fresh) this.created = this.ctime(); // the master's own write is not the worker's heartbeat
	}

	/** In the worker: one fstat, cheap enough between two slices of a blocking sleep. */
	marked(): Mark | undefined {
		return MARKS[fstatSync(this.fd).size - 1];
	}

	close(): void {
		try {
			closeSync(this.fd);
		} catch {
			// already closed
		}
	}
}
