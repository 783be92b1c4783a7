// A gthread worker, shaped like Gunicorn's ThreadWorker (workers/gthread.py). Its main loop
// accepts connections and hands each to a pool of --threads real threads (worker_threads,
// gthread-thread.ts), which run the app. The main loop never runs a view, so it keeps
// heartbeating while views block their threads: the master's --timeout guards this loop, not
// the requests. A finished connection the client wants kept goes back to the main loop, which
// waits --keep-alive seconds for its next request; --worker-connections bounds what it holds.
import net from 'node:net';
import process from 'node:process';
import {Worker as Thread} from 'node:worker_threads';
import type {LifecycleEvent} from '../lifecycle/events';
import {loadApp, type AppOrigin} from './app';
import {JobSlot, SHARED, type Job, type ThreadData, type ThreadMessage} from './gthread-thread';
import {log} from './log';
import {WORKER_BOOT_ERROR, type BootMessage} from './messages';
import {BACKLOG, type ServerHandle} from './sock';
import type {WorkerTmp} from './worker-tmp';

const EXIT_FLUSH_MS = 1000;

/** Gunicorn's TConn: one client connection, which may carry several requests. */
interface Conn {
	id: number;
	socket: net.Socket;
	fd: number;
	requests: number; // served on it so far
	closed?: boolean;
	prefix?: Uint8Array;
	timer?: NodeJS.Timeout; // the keep-alive deadline while it waits
}

interface PoolThread {
	thread: Thread;
	slot: JobSlot;
	conn?: Conn; // the connection it is serving
}

export class ThreadWorker {
	private booted = false;
	private leaving = false;
	private server?: net.Server;
	private beat?: NodeJS.Timeout;
	private readonly pool: PoolThread[] = [];
	private readonly queue: Conn[] = []; // accepted, waiting for a free thread (the executor's queue)
	private readonly keep = new Set<Conn>(); // kept alive, waiting for their next request
	private readonly held: net.Socket[] = []; // accepted in the same wake-up as the one that reached the bound
	private asked = false; // asked the master for the listening socket again
	private stopping = false; // TERM or max-requests: no new connections, the pool finishes
	private nrConns = 0;
	private nextConn = 0;
	private readonly shared = new SharedArrayBuffer(4 * 3);
	private readonly state = new Int32Array(this.shared);
	readonly pid = process.pid;

	constructor(
		private readonly cfg: BootMessage,
		private readonly listener: ServerHandle,
		private readonly tmp: WorkerTmp,
	) {
		Atomics.store(this.state, SHARED.alive, 1);
	}

	toString(): string {
		return `<Worker ${this.pid}>`;
	}

	private get alive(): boolean {
		return Atomics.load(this.state, SHARED.alive) === 1;
	}

	private get threads(): number {
		return this.cfg.threads ?? 1;
	}

	notify(): void {
		try {
			this.tmp.notify();
		} catch {
			// the file is gone only when we are leaving
		}
	}

	private emit(event: LifecycleEvent): void {
		const always = event.type === 'worker.ready' || event.type === 'worker.exiting';
		if ((this.cfg.events || always) && process.connected) process.send?.({type: 'event', event});
	}

	/** Signals, the app, the pool, then the main loop. */
	initProcess(): void {
		this.initSignals();
		let origin: AppOrigin;
		if (this.cfg.preloaded) {
			origin = loadApp('worker', this.cfg.preloaded).origin;
		} else {
			origin = loadApp('worker').origin;
			this.emit({type: 'app.loaded', pid: this.pid, where: 'worker', app: origin.name});
		}
		if ((this.cfg.workerConnections ?? 1000) - this.threads <= 0 && this.cfg.keepAlive) {
			log.warning(
				'No keepalived connections can be handled. Check the number of worker connections and threads.',
			);
		}
		for (let i = 1; i <= this.threads; i++) this.pool.push(this.startThread(i, origin));
		// Python starts a thread in microseconds; a worker_thread takes a while: accept once all run.
		let online = 0;
		for (const {thread} of this.pool) {
			thread.once('online', () => {
				if (++online < this.threads || this.leaving) return;
				this.run();
				this.booted = true;
				this.emit({type: 'worker.ready', pid: this.pid, threads: this.threads});
			});
		}
	}

	private startThread(index: number, origin: AppOrigin): PoolThread {
		const slot = new JobSlot();
		const data: ThreadData = {cfg: this.cfg, thread: index, shared: this.shared, slot: slot.buffer, origin};
		const thread = new Thread(process.argv[1], {
			argv: ['__thread'],
			workerData: data,
			stdout: false,
			stderr: false,
		});
		const entry: PoolThread = {thread, slot};
		thread.on('message', (message: ThreadMessage) => this.fromThread(entry, message));
		thread.on('error', error => {
			log.error(`Exception in worker thread ${index}: ${error.message}`);
			this.exit(this.booted ? 1 : WORKER_BOOT_ERROR);
		});
		return entry;
	}

	private initSignals(): void {
		// TERM: stop accepting, let the requests in the pool finish (graceful). QUIT / INT: leave now.
		process.on('SIGTERM', () => this.stopAccepting());
		process.on('SIGQUIT', () => this.exit(0));
		process.on('SIGINT', () => this.exit(0));
		process.on('SIGABRT', () => this.exit(1)); // handle_abort: the master's timeout
		process.on('SIGWINCH', () => undefined);
		process.on('disconnect', () => this.parentGone());
	}

	private run(): void {
		// Accept one connection per wake-up, as Gunicorn's loop does, so a burst spreads over the workers.
		process.env.UV_TCP_SINGLE_ACCEPT = '1';
		this.listen(this.listener);
		process.on('message', (message: {type?: string}, handle: unknown) => {
			if (message?.type !== 'listener') return;
			this.asked = false;
			if (this.alive && !this.server) this.listen(handle as ServerHandle);
			else (handle as ServerHandle).close();
			this.keepAccepting();
		});
		this.notify();
		// The main loop wakes at least every second (Gunicorn's select(1.0)) and notifies.
		this.beat = setInterval(
			() => {
				this.notify();
				if (process.ppid !== this.cfg.ppid) this.parentGone();
			},
			Math.min(1000, (this.cfg.timeout * 1000) / 2),
		);
	}

	private listen(handle: ServerHandle): void {
		const server = net.createServer({pauseOnConnect: true}, socket => this.accept(socket));
		server.on('error', error => {
			log.error(`Socket error in worker: ${error.message}`);
			this.exit(this.booted ? 1 : WORKER_BOOT_ERROR);
		});
		server.listen(handle as never, BACKLOG);
		this.server = server;
	}

	private get full(): boolean {
		return this.nrConns >= (this.cfg.workerConnections ?? 1000);
	}

	private accept(socket: net.Socket): void {
		socket.on('error', () => undefined);
		if (!this.alive) return void socket.destroy();
		if (this.full) return void this.held.push(socket);
		this.admit(socket);
		this.keepAccepting();
	}

	/**
	 * Gunicorn's loop selects on the listener only while nr_conns < worker_connections. Node
	 * cannot stop polling a listening handle, so at the bound we close our copy of the socket
	 * (new connections wait in the kernel for the other workers) and get a fresh copy below it.
	 */
	private keepAccepting(): void {
		if (!this.alive) return;
		if (this.full && this.server) {
			this.server.close();
			this.server = undefined;
		} else if (!this.full && !this.server && !this.asked && process.connected) {
			this.asked = true;
			process.send?.({type: 'listener'});
		}
	}

	private admit(socket: net.Socket): void {
		const fd = (socket as unknown as {_handle?: {fd?: number}})._handle?.fd;
		if (fd === undefined || fd < 0) return void socket.destroy();
		this.nrConns += 1;
		// Straight to the pool, as Gunicorn's accept does: the thread reads the request, and a client
		// that sends nothing holds it (up to 5 s here, as current Gunicorn's wait_for_data; 20.1: no limit).
		this.enqueue({id: ++this.nextConn, socket, fd, requests: 0});
	}

	/** Submit the connection to the pool: a free thread, else the queue. */
	private enqueue(conn: Conn): void {
		const free = this.pool.find(t => !t.conn);
		if (!free) return void this.queue.push(conn);
		free.conn = conn;
		const job: Job = {
			conn: conn.id,
			fd: conn.fd,
			prefix: conn.prefix,
			onConnection: conn.requests + 1,
			remote: {address: conn.socket.remoteAddress, port: conn.socket.remotePort},
		};
		conn.prefix = undefined;
		free.slot.put(job);
	}

	private fromThread(entry: PoolThread, message: ThreadMessage): void {
		if (message.type === 'event') return this.emit(message.event);
		const conn = entry.conn!;
		entry.conn = undefined;
		this.finishRequest(conn, message.keepalive, message.linger);
		const next = this.queue.shift();
		if (next) this.enqueue(next);
		this.notify();
		if (!this.alive) this.leaveWhenDone();
	}

	/** ThreadWorker.finish_request: keep the connection for its next request, or close it. */
	private finishRequest(conn: Conn, keepalive: boolean, linger: boolean): void {
		conn.requests += 1;
		if (!keepalive || !this.alive) return this.close(conn, linger);
		this.keep.add(conn);
		Atomics.store(this.state, SHARED.kept, this.keep.size);
		this.awaitRequest(conn, (this.cfg.keepAlive ?? 2) * 1000); // murder_keepalived past --keep-alive
	}

	/** Wait in the main loop until the kept connection is readable, then submit it to the pool again. */
	private awaitRequest(conn: Conn, timeoutMs: number): void {
		const {socket} = conn;
		conn.timer = setTimeout(() => this.close(conn), timeoutMs);
		const gone = () => this.close(conn);
		const onData = (chunk: Buffer) => {
			// Readable again: stop reading here at once, so the thread gets every byte from the fd.
			const handle = (socket as unknown as {_handle?: {readStop(): void; reading: boolean}})._handle;
			handle?.readStop();
			if (handle) handle.reading = false;
			socket.pause();
			socket.off('data', onData).off('end', gone).off('close', gone);
			this.unkeep(conn);
			conn.prefix = chunk;
			this.enqueue(conn); // reuse_connection
		};
		socket.on('data', onData).once('end', gone).once('close', gone);
		socket.resume();
	}

	private unkeep(conn: Conn): void {
		clearTimeout(conn.timer);
		this.keep.delete(conn);
		Atomics.store(this.state, SHARED.kept, this.keep.size);
	}

	private close(conn: Conn, linger = false): void {
		if (conn.closed) return;
		conn.closed = true;
		this.unkeep(conn);
		closeGraceful(conn.socket, linger);
		this.nrConns -= 1;
		const waiting = this.held.shift();
		if (waiting && this.alive) this.admit(waiting);
		this.keepAccepting();
	}

	/** TERM (or max-requests): stop accepting; the pool finishes what it has, then we leave. */
	private stopAccepting(): void {
		if (this.leaving || this.stopping) return;
		this.stopping = true;
		Atomics.store(this.state, SHARED.alive, 0);
		this.server?.close();
		this.server = undefined;
		// The master learns that we stopped accepting now, not when the last request is done.
		if (process.connected) process.send?.({type: 'leaving', code: 0});
		for (const socket of this.held.splice(0)) socket.destroy();
		for (const conn of [...this.keep]) this.close(conn);
		setTimeout(() => this.exit(0), (this.cfg.gracefulTimeout ?? 30) * 1000).unref();
		this.leaveWhenDone();
	}

	private leaveWhenDone(): void {
		if (this.leaving) return;
		if (!this.stopping) return this.stopAccepting();
		if (this.pool.every(t => !t.conn) && !this.queue.length) this.exit(0);
	}

	private parentGone(): void {
		if (this.leaving) return;
		log.info(`Parent changed, shutting down: ${this}`);
		this.exit(0);
	}

	/** Leave: stop accepting, say so, let the last IPC messages out, exit (the threads go with the process). */
	exit(code: number): void {
		if (this.leaving) return;
		this.leaving = true;
		Atomics.store(this.state, SHARED.alive, 0);
		clearInterval(this.beat);
		this.server?.close();
		log.info(`Worker exiting (pid: ${this.pid})`);
		const done = () => process.exit(code);
		if (!process.connected || !process.send) return done();
		setTimeout(done, EXIT_FLUSH_MS).unref();
		process.send({type: 'leaving', code}, undefined, {}, done);
	}
}

/** Close the client; after an error answer, drain what it still sends so the answer is not reset away. */
function closeGraceful(socket: net.Socket, linger: boolean): void {
	if (!linger) return void socket.destroy();
	socket.setTimeout(1000, () => socket.destroy());
	socket.on('end', () => socket.destroy());
	socket.end();
	socket.resume();
}
