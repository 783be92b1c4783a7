// A sync worker, shaped like Gunicorn's Worker (workers/base.py) and SyncWorker
// (workers/sync.py): it listens on the socket the master bound, accepts one connection,
// reads the request, calls the WSGI app, sends the response, closes, and only then accepts
// the next. The app runs synchronously, so while it works the worker neither accepts nor
// heartbeats: a hung request is a hung worker, and the master's timeout deals with it.
import net from 'node:net';
import process from 'node:process';
import type {EnvironSummary, LifecycleEvent} from '../lifecycle/events';
import {betweenBlockingSlices, blockFor, loadApp, SystemExit, type Environ, type WsgiApp} from './app';
import {BlockingSocket, HttpError, NoMoreData, errorBytes, readRequest, responseBytes, type Request} from './http';
import {log} from './log';
import {WORKER_BOOT_ERROR, type BootMessage} from './messages';
import {BACKLOG, type ServerHandle} from './sock';
import type {WorkerTmp} from './worker-tmp';

const EXIT_FLUSH_MS = 1000;

/** Gunicorn's handle_error log (log.exception): which request, then what was raised. Nothing without a request. */
function logRequestError(req: Request | undefined, error: unknown): void {
	if (req)
		log.error(
			`Error handling ` +
				`request ${req.uri}\n${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
		);
}

/** workers/base.py handle_quit sleeps this long after worker_int, then sys.exit(0). */
const QUIT_PAUSE_MS = 100;

export class SyncWorker {
	private alive = true;
	private booted = false;
	private nr = 0; // requests handled
	private wsgi?: WsgiApp;
	private server?: net.Server;
	private beat?: NodeJS.Timeout;
	private leaving = false;
	readonly pid = process.pid;

	constructor(
		private readonly cfg: BootMessage,
		private readonly listener: ServerHandle,
		private readonly tmp: WorkerTmp,
	) {}

	toString(): string {
		return `<Worker ${this.pid}>`;
	}

	/** Tell the master we are alive (the ctime of the WorkerTmp file, changed by fchmod as in 20.1). */
	notify(): void {
		try {
			this.tmp.notify();
		} catch {
			// the file is gone only when we are leaving
		}
	}

	/** One lifecycle event, to the master (which prints it) when --events json is on. */
	private emit(event: LifecycleEvent): void {
		// worker.ready and worker.exiting always go: the master learns from them that we booted
		// and why we leave (max-requests).
		const always = event.type === 'worker.ready' || event.type === 'worker.exiting';
		if ((this.cfg.events || always) && process.connected) process.send?.({type: 'event', event});
	}

	/** Signals, the app, then the accept loop. Exits WORKER_BOOT_ERROR (3) if it cannot boot. */
	initProcess(): void {
		this.initSignals();
		if (this.cfg.preloaded) {
			// The fork "inherits" the master's import: the app is not imported again here.
			this.wsgi = loadApp('worker', this.cfg.preloaded).app;
		} else {
			const {app, origin} = loadApp('worker');
			this.wsgi = app;
			this.emit({type: 'app.loaded', pid: this.pid, where: 'worker', app: origin.name});
		}
		this.run();
		this.booted = true;
		this.emit({type: 'worker.ready', pid: this.pid});
	}

	private initSignals(): void {
		// TERM (handle_exit): stop accepting and leave; a request in progress finishes first.
		// QUIT / INT (handle_quit): leave now. SIGABRT (handle_abort): the master's timeout.
		process.on('SIGTERM', () => this.exit(0));
		process.on('SIGQUIT', () => this.handleQuit());
		process.on('SIGINT', () => this.handleQuit());
		process.on('SIGABRT', () => this.handleAbort());
		// JS runs those handlers only once a request is done; Python runs them mid-request. The
		// master also marks our tmp file before it signals, and a blocking wait polls the mark.
		betweenBlockingSlices(() => {
			const mark = this.tmp.marked();
			if (mark === 'term') this.stopAccepting(); // handle_exit: finish this request, then leave
			if (mark === 'quit') throw new SystemExit(this.handleQuit(true));
			if (mark === 'abort') throw new SystemExit(this.handleAbort()); // sys.exit(1) in handle_abort
		});
		process.on('SIGWINCH', () => undefined);
		// The master is gone, whichever way it died: the IPC channel closes.
		process.on('disconnect', () => this.parentGone());
	}

	/**
	 * TERM while busy: a Python worker's handle_exit sets alive = False at once and accepts nothing
	 * more. Closing our copy of the listening socket now, mid-request, does the same: the next
	 * connections wait in the kernel's queue for another worker (or are reset when the last copy
	 * closes, if the master is stopping).
	 */
	private stopAccepting(): void {
		if (!this.alive) return;
		this.alive = false;
		this.server?.close();
	}

	/** Gunicorn's handle_abort: exit code 1, the master logs WORKER TIMEOUT and reports reason 'timeout'. */
	private handleAbort(): number {
		this.exit(1);
		return 1;
	}

	/** Gunicorn's handle_quit: worker_int, a 0.1 s pause, sys.exit(0); a request in progress gets no answer. */
	private handleQuit(midRequest = false): number {
		if (midRequest) blockFor(QUIT_PAUSE_MS, false);
		this.exit(0, midRequest ? 0 : QUIT_PAUSE_MS);
		return 0;
	}

	private run(): void {
		const server = net.createServer({pauseOnConnect: true}, socket => this.handle(socket));
		server.on('error', error => {
			log.error(`Socket error in worker: ${error.message}`);
			this.exit(this.booted ? 1 : WORKER_BOOT_ERROR);
		});
		server.listen(this.listener as never, BACKLOG);
		this.server = server;
		this.notify();
		this.beat = setInterval(
			() => {
				this.notify();
				if (process.ppid !== this.cfg.ppid) this.parentGone();
			},
			(this.cfg.timeout * 1000) / 2,
		);
	}

	private parentGone(): void {
		if (this.leaving) return;
		log.info(`Parent changed, shutting down: ${this}`);
		this.exit(0);
	}

	/** One connection, start to finish, synchronously. */
	private handle(socket: net.Socket): void {
		const mark = this.tmp.marked();
		if (mark === 'quit' || mark === 'abort') {
			// A Python worker leaves at once on QUIT / ABRT: nothing more is served.
			socket.resetAndDestroy();
			if (mark === 'quit') this.handleQuit();
			else this.exit(1);
			return;
		}
		this.notify();
		const started = performance.now();
		const fd = (socket as unknown as {_handle?: {fd?: number}})._handle?.fd;
		let request: Request | undefined;
		let linger = false;
		try {
			if (fd === undefined || fd < 0) throw new NoMoreData('no file descriptor');
			// No read timeout and no heartbeat while reading (workers/sync.py): a client that
			// trickles its request holds the worker until the master's --timeout aborts it.
			const client = new BlockingSocket(fd);
			request = readRequest(client);
			this.handleRequest(request, client, socket, started);
		} catch (error) {
			if (error instanceof SystemExit) return; // already leaving: no answer, the connection just closes
			if (error instanceof NoMoreData) log.debug(`Ignored premature client disconnection. ${error.message}`);
			else linger = this.handleError(request, fd, socket, error);
		} finally {
			closeGraceful(socket, linger);
		}
		this.notify();
		if (!this.alive) this.exit(0);
	}

	private handleRequest(req: Request, client: BlockingSocket, socket: net.Socket, started: number): void {
		const id = `${this.pid}-${this.nr + 1}`;
		const clientAddress = `${socket.remoteAddress}:${socket.remotePort}`;
		this.emit({
			type: 'request.accepted',
			pid: this.pid,
			id,
			method: req.method,
			path: req.path,
			...(req.query ? {query: req.query} : {}),
			client: clientAddress,
		}); // pre_request
		const environ = this.environ(req, socket, id);
		this.nr += 1;
		if (this.cfg.maxRequests && this.nr >= this.cfg.maxRequests) {
			log.info('Autorestarting worker after current request.');
			this.alive = false;
			this.emit({type: 'worker.exiting', pid: this.pid, reason: 'max-requests'});
		}
		const summary: EnvironSummary = {
			REQUEST_METHOD: environ.REQUEST_METHOD,
			PATH_INFO: environ.PATH_INFO,
			QUERY_STRING: environ.QUERY_STRING,
			SERVER_NAME: environ.SERVER_NAME,
			SERVER_PORT: environ.SERVER_PORT,
			REMOTE_ADDR: environ.REMOTE_ADDR,
			'wsgi.url_scheme': 'http',
		};
		this.emit({type: 'wsgi.called', pid: this.pid, id, environ: summary});
		let status = '500 Internal Server Error';
		let response: Buffer;
		let bytes = 0;
		try {
			let headers: Array<[string, string]> = [];
			const body = this.wsgi!(environ, (s, h) => {
				status = s;
				headers = h;
			});
			const chunks = [...body].map(chunk => (typeof chunk === 'string' ? Buffer.from(chunk) : chunk));
			const content = Buffer.concat(chunks);
			bytes = content.length;
			response = responseBytes(status, headers, content, req.method === 'HEAD');
		} catch (error) {
			if (error instanceof SystemExit) throw error; // not the app's error: no 500
			logRequestError(req, error);
			status = '500 Internal Server Error';
			response = errorBytes(500, 'Internal Server Error', '');
			bytes = response.length - response.indexOf('\r\n\r\n') - 4;
		}
		const code = Number(status.slice(0, 3));
		this.emit({type: 'response.returned', pid: this.pid, id, status: code, reason: status.slice(4), bytes});
		try {
			client.sendall(response);
		} finally {
			// post_request: the worker is done with it even if the client already left.
			this.emit({
				type: 'response.sent',
				pid: this.pid,
				id,
				status: code,
				bytes,
				ms: Math.round((performance.now() - started) * 10) / 10,
			});
		}
	}

	private environ(req: Request, socket: net.Socket, id: string): Environ {
		const environ: Environ = {
			REQUEST_METHOD: req.method,
			PATH_INFO: req.path,
			QUERY_STRING: req.query,
			SERVER_NAME: this.cfg.address.host,
			SERVER_PORT: String(this.cfg.address.port),
			SERVER_PROTOCOL: req.version,
			REMOTE_ADDR: socket.remoteAddress,
			REMOTE_PORT: String(socket.remotePort),
			'wsgi.url_scheme': 'http',
			'wsgi.errors': line => log.error(line),
			'walkthrough.dispatched': (route, view) =>
				this.emit({type: 'django.dispatched', pid: this.pid, id, route, view}),
		};
		for (const [name, value] of req.headers) environ[`HTTP_${name.replace(/-/g, '_')}`] = value;
		return environ;
	}

	/** Gunicorn's handle_error: bad requests get their 4xx, anything else a 500. Returns whether to linger. */
	private handleError(req: Request | undefined, fd: number | undefined, socket: net.Socket, error: unknown): boolean {
		let status = 500;
		let reason = 'Internal Server Error';
		let mesg = '';
		if (error instanceof HttpError) {
			({status, reason} = error);
			mesg = error.message;
			log.debug(`Invalid request from ip=${socket.remoteAddress}: ${error.message}`); // DEBUG in 20.1
		} else {
			logRequestError(req, error);
		}
		if (fd === undefined) return false;
		try {
			// A short deadline of its own: a client that will not read its error must not hold us.
			new BlockingSocket(fd, 1000).sendall(errorBytes(status, reason, mesg));
		} catch {
			log.debug('Failed to send error message.');
		}
		return true;
	}

	/** Leave: stop accepting, say so, let the last IPC messages out, exit (after pauseMs at least). */
	exit(code: number, pauseMs = 0): void {
		if (this.leaving) return;
		this.leaving = true;
		this.alive = false;
		clearInterval(this.beat);
		this.server?.close();
		const leave = () => {
			log.info(`Worker exiting (pid: ${this.pid})`);
			const done = () => process.exit(code);
			if (!process.connected || !process.send) return done();
			setTimeout(done, EXIT_FLUSH_MS).unref();
			// Messages are ordered: once this one is written, every event before it is too.
			process.send({type: 'leaving', code}, undefined, {}, done);
		};
		if (pauseMs) setTimeout(leave, pauseMs);
		else leave();
	}
}

/**
 * Close the client. After an error answer, half-close and drain what the client still sends
 * (a lingering close): closing with unread data would reset the connection and lose the answer.
 */
function closeGraceful(socket: net.Socket, linger: boolean): void {
	if (!linger) return void socket.destroy();
	socket.on('error', () => undefined);
	socket.setTimeout(1000, () => socket.destroy());
	socket.on('end', () => socket.destroy());
	socket.end();
	socket.resume();
}
