// One thread of a gthread worker (`cli.js __thread`, a worker_thread of the worker process):
// Gunicorn's ThreadWorker.handle and handle_request, run by one thread of its pool. The main
// loop (gthread-worker.ts) hands it a connection; it reads one request, calls the WSGI app,
// writes the response and says whether the connection is kept alive. A view that blocks
// blocks this thread only: the other threads serve, and the main loop keeps heartbeating.
import process from 'node:process';
import {parentPort, workerData} from 'node:worker_threads';
import type {EnvironSummary, LifecycleEvent} from '../lifecycle/events';
import {loadApp, type AppOrigin, type Environ, type WsgiApp} from './app';
import {BlockingSocket, HttpError, NoMoreData, errorBytes, readRequest, responseBytes, type Request} from './http';
import {log} from './log';
import type {BootMessage} from './messages';

/** Slots of the Int32Array the worker's threads share with its main loop. */
export const SHARED = {alive: 0, nr: 1, kept: 2} as const;

export interface ThreadData {
	cfg: BootMessage;
	thread: number; // 1-based
	shared: SharedArrayBuffer;
	slot: SharedArrayBuffer; // its JobSlot
	origin: AppOrigin;
}

/** Main loop -> thread: one connection to serve one request on. */
export interface Job {
	conn: number;
	fd: number;
	prefix?: Uint8Array; // bytes the main loop already read while the connection was kept alive
	onConnection: number;
	remote: {address?: string; port?: number};
}

/**
 * One thread's job in shared memory. The main loop writes it and wakes the thread with
 * Atomics.notify; the idle thread waits in Atomics.wait, as a pool thread waits on its queue.
 * Cheaper than a message, which would also need a turn of the thread's own event loop.
 */
export class JobSlot {
	private static readonly ADDRESS = 256;
	private static readonly DATA = 64 * 1024; // one socket read (libuv reads at most 64 KiB)
	private readonly ctrl: Int32Array;
	private readonly bytes: Uint8Array;

	constructor(readonly buffer = new SharedArrayBuffer(32 + JobSlot.ADDRESS + JobSlot.DATA)) {
		this.ctrl = new Int32Array(buffer, 0, 8);
		this.bytes = new Uint8Array(buffer, 32);
	}

	put(job: Job): void {
		const address = Buffer.from(job.remote.address ?? '', 'latin1').subarray(0, JobSlot.ADDRESS);
		const prefix = (job.prefix ?? new Uint8Array(0)).subarray(0, JobSlot.DATA);
		this.bytes.set(address, 0);
		this.bytes.set(prefix, JobSlot.ADDRESS);
		this.ctrl.set([0, job.conn, job.fd, job.onConnection, job.remote.port ?? 0, prefix.length, address.length]);
		Atomics.store(this.ctrl, 0, 1);
		Atomics.notify(this.ctrl, 0);
	}

	take(): Job {
		Atomics.wait(this.ctrl, 0, 0);
		const [, conn, fd, onConnection, port, length, addressLength] = this.ctrl;
		const address = Buffer.from(this.bytes.subarray(0, addressLength)).toString('latin1');
		const prefix = length
			? new Uint8Array(this.bytes.subarray(JobSlot.ADDRESS, JobSlot.ADDRESS + length))
			: undefined;
		Atomics.store(this.ctrl, 0, 0);
		return {conn, fd, prefix, onConnection, remote: {address, port}};
	}
}

/** Thread -> main loop. */
export type ThreadMessage =
	| {type: 'event'; event: LifecycleEvent}
	| {type: 'done'; conn: number; keepalive: boolean; linger: boolean};

/** A blocking socket that first hands out what was already read from it. */
class PrefixedSocket extends BlockingSocket {
	constructor(
		fd: number,
		private prefix: Buffer | undefined,
	) {
		super(fd); // the main loop heartbeats, not the threads
	}

	override recv(buffer: Buffer): number {
		if (!this.prefix?.length) return super.recv(buffer);
		const n = this.prefix.copy(buffer);
		this.prefix = this.prefix.subarray(n);
		return n;
	}
}

/** Gunicorn's Request.should_close: the Connection header, else HTTP/1.0 closes. */
function requestShouldClose(req: Request): boolean {
	const connection = req.headers.find(([name]) => name === 'CONNECTION')?.[1].toLowerCase();
	if (connection === 'close') return true;
	if (connection === 'keep-alive') return false;
	return req.version === 'HTTP/1.0';
}

class PoolThread {
	private readonly state: Int32Array;
	private readonly wsgi: WsgiApp;
	private readonly pid = process.pid;

	constructor(private readonly data: ThreadData) {
		this.state = new Int32Array(data.shared);
		// The process imported the app once; the threads share that import (here: its origin).
		this.wsgi = loadApp('worker', data.origin).app;
	}

	private send(message: ThreadMessage): void {
		parentPort!.postMessage(message);
	}

	private emit(event: LifecycleEvent): void {
		if (this.data.cfg.events || event.type === 'worker.exiting') this.send({type: 'event', event});
	}

	/** ThreadWorker.handle: one request; any failure closes the connection. */
	handle(job: Job): void {
		const started = performance.now();
		const client = new PrefixedSocket(job.fd, job.prefix ? Buffer.from(job.prefix) : undefined);
		let req: Request | undefined;
		let keepalive = false;
		let linger = false;
		try {
			req = readRequest(client);
			keepalive = this.handleRequest(req, client, job, started);
		} catch (error) {
			if (error instanceof NoMoreData) log.debug(`Ignored premature client disconnection. ${error.message}`);
			else linger = this.handleError(req, client.fd, job, error);
		}
		this.send({type: 'done', conn: job.conn, keepalive, linger});
	}

	/** ThreadWorker.handle_request: returns whether the connection stays open. */
	private handleRequest(req: Request, client: BlockingSocket, job: Job, started: number): boolean {
		const {cfg} = this.data;
		const nr = Atomics.add(this.state, SHARED.nr, 1) + 1;
		const id = `${this.pid}-${nr}`;
		const address = `${job.remote.address}:${job.remote.port}`;
		this.emit({
			type: 'request.accepted',
			pid: this.pid,
			id,
			method: req.method,
			path: req.path,
			...(req.query ? {query: req.query} : {}),
			client: address,
			thread: this.data.thread,
			...(job.onConnection > 1 ? {onConnection: job.onConnection} : {}),
		}); // pre_request
		let close = requestShouldClose(req);
		if (cfg.maxRequests && nr >= cfg.maxRequests) {
			if (Atomics.compareExchange(this.state, SHARED.alive, 1, 0) === 1) {
				log.info('Autorestarting worker after current request.');
				this.emit({type: 'worker.exiting', pid: this.pid, reason: 'max-requests'});
			}
			close = true;
		}
		// Gunicorn force-closes when the worker is leaving, keep-alive is off, or too many are kept.
		const maxKeepalived = (cfg.workerConnections ?? 1000) - (cfg.threads ?? 1);
		if (
			!Atomics.load(this.state, SHARED.alive) ||
			!cfg.keepAlive ||
			Atomics.load(this.state, SHARED.kept) >= maxKeepalived
		)
			close = true;
		const environ = this.environ(req, job, id);
		this.emit({type: 'wsgi.called', pid: this.pid, id, environ: summary(environ)});
		let status = '500 Internal Server Error';
		let response: Buffer;
		let bytes = 0;
		try {
			let headers: Array<[string, string]> = [];
			const body = this.wsgi(environ, (s, h) => {
				status = s;
				headers = h;
			});
			const content = Buffer.concat(
				[...body].map(chunk => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk)),
			);
			bytes = content.length;
			response = responseBytes(status, headers, content, req.method === 'HEAD', !close);
		} catch (error) {
			logRequestError(req, error);
			status = '500 Internal Server Error';
			response = errorBytes(500, 'Internal Server Error', '');
			bytes = response.length - response.indexOf('\r\n\r\n') - 4;
			close = true; // Gunicorn's handle_error answers and closes
		}
		const code = Number(status.slice(0, 3));
		this.emit({type: 'response.returned', pid: this.pid, id, status: code, reason: status.slice(4), bytes});
		try {
			client.sendall(response);
		} catch (error) {
			close = true;
			throw error;
		} finally {
			const ms = Math.round((performance.now() - started) * 10) / 10;
			// post_request
			this.emit({type: 'response.sent', pid: this.pid, id, status: code, bytes, ms, keepalive: !close});
		}
		return !close;
	}

	private environ(req: Request, job: Job, id: string): Environ {
		const {cfg} = this.data;
		const environ: Environ = {
			REQUEST_METHOD: req.method,
			PATH_INFO: req.path,
			QUERY_STRING: req.query,
			SERVER_NAME: cfg.address.host,
			SERVER_PORT: String(cfg.address.port),
			SERVER_PROTOCOL: req.version,
			REMOTE_ADDR: job.remote.address,
			REMOTE_PORT: String(job.remote.port),
			'wsgi.url_scheme': 'http',
			'wsgi.multithread': true,
			'wsgi.errors': line => log.error(line),
			'walkthrough.dispatched': (route, view) =>
				this.emit({type: 'django.dispatched', pid: this.pid, id, route, view}),
		};
		for (const [name, value] of req.headers) environ[`HTTP_${name.replace(/-/g, '_')}`] = value;
		return environ;
	}

	/** Gunicorn's handle_error: bad requests get their 4xx, anything else a 500. Returns whether to linger. */
	private handleError(req: Request | undefined, fd: number, job: Job, error: unknown): boolean {
		let status = 500;
		let reason = 'Internal Server Error';
		let mesg = '';
		if (error instanceof HttpError) {
			({status, reason} = error);
			mesg = error.message;
			log.warning(`Invalid request from ip=${job.remote.address}: ${error.message}`);
		} else {
			logRequestError(req, error);
		}
		try {
			new BlockingSocket(fd, 1000).sendall(errorBytes(status, reason, mesg));
		} catch {
			log.debug('Failed to send error message.');
		}
		return true;
	}
}

function summary(environ: Environ): EnvironSummary {
	const {REQUEST_METHOD, PATH_INFO, QUERY_STRING, SERVER_NAME, SERVER_PORT, REMOTE_ADDR} = environ;
	return {REQUEST_METHOD, PATH_INFO, QUERY_STRING, SERVER_NAME, SERVER_PORT, REMOTE_ADDR, 'wsgi.url_scheme': 'http'};
}

function logRequestError(req: Request | undefined, error: unknown): void {
	log.error(req ? `Error handling request ${req.uri}` : 'Error handling request (no URI read)');
	log.error(error instanceof Error ? `${error.name}: ${error.message}` : String(error));
}

export function runThread(): void {
	if (!parentPort) {
		process.stderr.write(
			'gunicorn-walkthrough: __thread is internal: run `gunicorn-walkthrough serve --worker-class gthread`\n',
		);
		process.exitCode = 2;
		return;
	}
	const data = workerData as ThreadData;
	const thread = new PoolThread(data);
	const slot = new JobSlot(data.slot);
	for (;;) thread.handle(slot.take()); // until the process exits
}
