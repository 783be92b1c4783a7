// The master process, shaped like Gunicorn's Arbiter (gunicorn/arbiter.py): it binds the
// socket, forks the workers and keeps them alive. Signals are queued and handled by the main
// loop, which wakes at least once a second to murder silent workers and to keep the count.
import {setTimeout as sleep} from 'node:timers/promises';
import {fork, type ChildProcess} from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import process from 'node:process';
import {reason as errorMessage} from '../cli/complain';
import {version} from '../../package.json';
import type {ServerOptions} from '../cli/args';
import {formatEvent, type ExitReason, type LifecycleEvent} from '../lifecycle/events';
import {loadApp, type AppOrigin} from './app';
import {log, writeAll} from './log';
import {
	APP_LOAD_ERROR,
	WORKER_BOOT_ERROR,
	WORKER_TMP_ENV,
	WORKER_TMP_FD,
	isEventMessage,
	isLeavingMessage,
	isListenerMessage,
	type BootMessage,
} from './messages';
import {BindError, createSocket, type Listener} from './sock';
import {WorkerTmp, type Mark} from './worker-tmp';

/** The master's record of one worker (Gunicorn keeps the Worker object itself). */
interface Worker {
	pid: number;
	age: number; // spawn order: the oldest goes first when there are too many
	tmp: WorkerTmp;
	process: ChildProcess;
	abortedAt?: number; // when it was sent SIGABRT for a timeout; SIGKILL if it is still there a loop later
	reason?: ExitReason; // why the master asked it to leave
	leaving: boolean; // worker.exiting was reported
	booted: boolean; // it reported worker.ready
	spawnedAt: number;
}

type SignalName = 'hup' | 'quit' | 'int' | 'term' | 'ttin' | 'ttou' | 'chld' | 'lifeline';
const SIGNALS: Array<[NodeJS.Signals, SignalName]> = [
	['SIGHUP', 'hup'],
	['SIGQUIT', 'quit'],
	['SIGINT', 'int'],
	['SIGTERM', 'term'],
	['SIGTTIN', 'ttin'],
	['SIGTTOU', 'ttou'],
];

/** TERM: leave the main loop and halt (Python's StopIteration in Gunicorn). */
class StopIteration extends Error {}
/** Stop the server with a reason and an exit status (gunicorn.errors.HaltServer). */
class HaltServer extends Error {
	constructor(
		readonly reason: string,
		readonly exitStatus: number,
	) {
		super(reason);
	}
}

/** How long a fresh node worker may take to run its first line of code. */
const NODE_STARTUP_GRACE_MS = 10_000;
/** Gunicorn's main loop sleeps a second: the time an aborted worker has to leave before SIGKILL. */
const ABORT_GRACE_MS = 1000;
const randint = (lo: number, hi: number) => lo + Math.floor(Math.random() * (hi - lo + 1));

export class Arbiter {
	readonly WORKERS = new Map<number, Worker>();
	private readonly SIG_QUEUE: SignalName[] = [];
	private readonly exited: Array<{pid: number; code: number | null; signal: NodeJS.Signals | null}> = [];
	private wakeup?: () => void;
	private numWorkers: number;
	private workerAge = 0;
	private listener?: Listener;
	private app?: AppOrigin; // imported in the master (--preload)
	private stopping = false;
	private stopRequested = false; // TERM / INT / QUIT arrived (a group signal reaches the workers at the same time)
	private eventsOpen: boolean;
	readonly pid = process.pid;

	constructor(
		private readonly cfg: ServerOptions,
		opts: {events: boolean},
	) {
		this.numWorkers = cfg.workers;
		this.eventsOpen = opts.events;
	}

	/** Prints one lifecycle event on stdout (--events json). Workers' events come through here too. */
	private emit(event: LifecycleEvent): void {
		if (this.eventsOpen) this.eventsOpen = writeAll(1, `${formatEvent(event)}\n`);
	}

	private setNumWorkers(value: number): void {
		const from = this.numWorkers;
		this.numWorkers = value;
		if (from !== value) this.emit({type: 'workers.changed', from, to: value}); // nworkers_changed
	}

	/** Main master loop. Resolves with the exit status. */
	async run(): Promise<number> {
		process.title = 'gunicorn-walkthrough: master';
		try {
			await this.start();
			await this.manageWorkers();
			for (;;) {
				for (const sig of await this.waitForSignals(1000)) {
					// 20.1 reaps in its SIGCHLD handler and logs nothing (21+ logs "Handling signal: chld" at debug).
					if (sig !== 'chld' && sig !== 'lifeline') log.info(`Handling signal: ${sig}`);
					await this.handle(sig);
				}
				this.murderWorkers();
				await this.manageWorkers();
			}
		} catch (error) {
			if (error instanceof StopIteration) return this.halt();
			if (error instanceof HaltServer) return this.halt(error.reason, error.exitStatus);
			if (error instanceof BindError) {
				// Nothing was forked yet: one line says it all.
				log.error(error.message);
				this.emit({type: 'master.stopped', code: 1});
				return 1;
			}
			log.info(`Unhandled exception in main loop: ${errorMessage(error)}`); // INFO in 20.1, ERROR from 21.0
			await this.stop(false);
			return 255;
		}
	}

	/** Initialize the arbiter: load the app (--preload), bind, say where it listens. */
	private async start(): Promise<void> {
		const {cfg} = this;
		this.emit({
			type: 'master.starting',
			pid: this.pid,
			command: commandLine(cfg),
			workers: cfg.workers,
			preload: cfg.preload,
			timeout: cfg.timeout,
			...(cfg.workerClass === 'sync' ? {} : {workerClass: cfg.workerClass, threads: cfg.threads}),
		});
		if (cfg.preload) {
			try {
				this.app = loadApp('master').origin;
			} catch (error) {
				log.error(errorMessage(error));
				throw new HaltServer('App failed to load.', APP_LOAD_ERROR);
			}
			this.emit({type: 'app.loaded', pid: this.pid, where: 'master', app: this.app.name});
		}
		this.initSignals();
		// Gunicorn logs "Starting" before it binds; we bind first so that a port in use is one line.
		this.listener = await createSocket(cfg.bind);
		log.info(`Starting gunicorn-walkthrough ${version}`);
		log.info(`Listening at: http://${this.listener.address} (${this.pid})`);
		log.info(`Using worker: ${cfg.workerClass}`);
		this.emit({type: 'socket.bound', address: this.listener.address});
		this.watchLifeline();
	}

	/** Signals are only queued here; the main loop handles them (and may log). */
	private initSignals(): void {
		for (const [os, name] of SIGNALS) process.on(os, () => this.signal(name));
		// If the master dies anyhow, take the workers along (they would also leave on their own).
		process.on('exit', () => this.WORKERS.forEach(w => kill(w.pid, 'SIGKILL')));
		process.on('uncaughtException', error => {
			log.error(`Unhandled exception in the master: ${error.message}`);
			process.exit(1);
		});
	}

	private signal(name: SignalName): void {
		if (['term', 'int', 'quit', 'lifeline'].includes(name)) this.stopRequested = true;
		this.SIG_QUEUE.push(name);
		this.wakeup?.();
	}

	/**
	 * The app that started us (--live) holds the other end of this pipe: EOF means it is gone,
	 * however it died, and a server nobody watches must not outlive it.
	 */
	private watchLifeline(): void {
		const fd = Number(process.env.GW_LIFELINE_FD);
		if (!Number.isInteger(fd) || fd < 3) return;
		let lost = false;
		const lose = () => {
			if (lost) return;
			lost = true;
			log.info('Lifeline closed: the app that started this server is gone');
			this.signal('lifeline');
		};
		try {
			const pipe = new net.Socket({fd, readable: true, writable: false});
			pipe.on('end', lose).on('close', lose).on('error', lose).resume();
		} catch {
			// not a pipe we can watch: nothing to do
		}
	}

	private async waitForSignals(timeoutMs: number): Promise<SignalName[]> {
		if (!this.SIG_QUEUE.length) {
			await new Promise<void>(resolve => {
				const timer = setTimeout(resolve, timeoutMs);
				this.wakeup = () => {
					clearTimeout(timer);
					resolve();
				};
			});
			this.wakeup = undefined;
		}
		return this.SIG_QUEUE.splice(0);
	}

	private async handle(sig: SignalName): Promise<void> {
		switch (sig) {
			case 'chld':
				return this.reapWorkers();
			case 'hup':
				log.info('Hang up: Master');
				return this.reload();
			case 'term':
				throw new StopIteration();
			case 'int':
			case 'quit':
			case 'lifeline':
				await this.stop(false);
				throw new StopIteration();
			case 'ttin':
				this.setNumWorkers(this.numWorkers + 1);
				return this.manageWorkers();
			case 'ttou':
				if (this.numWorkers <= 1) return;
				this.setNumWorkers(this.numWorkers - 1);
				return this.manageWorkers('removed');
		}
	}

	private async halt(reason?: string, exitStatus = 0): Promise<number> {
		await this.stop();
		// Both at INFO in 20.1, whatever the exit status (ERROR for a non-zero one from 21.0).
		log.info('Shutting down: Master');
		if (reason) log.info(`Reason: ${reason}`);
		this.emit({type: 'master.stopped', code: exitStatus});
		return exitStatus;
	}

	/**
	 * Stop workers (Arbiter.stop): close the listening socket first, then TERM (graceful: each
	 * finishes its request) or QUIT (INT, QUIT: each leaves at once); wait up to
	 * --graceful-timeout for them, then SIGKILL. 20.1 ignores INT / QUIT during a graceful wait
	 * (25.0 made them cut it short, "Quick shutdown requested"); only a lost lifeline does here.
	 */
	private async stop(graceful = true): Promise<void> {
		if (!this.stopping) this.emit({type: 'master.stopping', graceful});
		this.stopping = true;
		this.listener?.handle.close(); // sock.close_sockets: the workers' copies close as they leave
		this.listener = undefined;
		this.killWorkers(graceful ? 'SIGTERM' : 'SIGQUIT', 'shutdown');
		let limit = Date.now() + this.cfg.gracefulTimeout * 1000;
		for (let quick = !graceful; this.WORKERS.size && Date.now() < limit; await sleep(100)) {
			if (!quick && this.SIG_QUEUE.includes('lifeline')) {
				quick = true; // nobody watches any more: do not wait on a long request
				this.killWorkers('SIGQUIT');
				limit = Math.min(limit, Date.now() + 2000);
			}
			this.reapWorkers(false);
		}
		this.killWorkers('SIGKILL');
		// Final reap: wait for the kernel to report the killed ones.
		for (const until = Date.now() + 2000; this.WORKERS.size && Date.now() < until; await sleep(20))
			this.reapWorkers(false);
	}

	/**
	 * HUP: fresh workers (a fresh import of the app, unless preloaded), then TERM the old ones.
	 * As in 20.1 the loop goes on at once (signals, timeouts) while they drain, and each turn
	 * TERMs the oldest extra workers again until they are reaped (24.0 waits here instead).
	 */
	private async reload(): Promise<void> {
		this.emit({type: 'master.reloading'});
		// Gunicorn re-reads its config here, so TTIN / TTOU changes are undone.
		this.setNumWorkers(this.cfg.workers);
		for (let i = 0; i < this.cfg.workers; i++) this.spawnWorker();
		await this.manageWorkers('reload');
	}

	/**
	 * A worker silent past --timeout gets SIGABRT ("WORKER TIMEOUT"), and SIGKILL if still there a loop later (a
	 * second).
	 */
	private murderWorkers(): void {
		if (!this.cfg.timeout) return;
		for (const [pid, worker] of this.WORKERS) {
			let last: number;
			try {
				last = worker.tmp.lastUpdate();
			} catch {
				continue;
			}
			// Gunicorn forks, so a worker runs at once; ours is a new node process, whose start-up
			// (until its first notify) must not count against --timeout.
			if (worker.abortedAt !== undefined) {
				// The abort mark changed the ctime too: the clock is the abort's, not the heartbeat's.
				if (Date.now() - worker.abortedAt >= ABORT_GRACE_MS) this.killWorker(pid, 'SIGKILL');
				continue;
			}
			const untouched = worker.tmp.untouched();
			const since = untouched ? worker.spawnedAt : last;
			const limit = this.cfg.timeout * 1000 + (untouched ? NODE_STARTUP_GRACE_MS : 0);
			if (Date.now() - since <= limit) continue;
			log.critical(`WORKER TIMEOUT (pid:${pid})`);
			this.emit({type: 'worker.timeout', pid});
			worker.abortedAt = Date.now();
			this.killWorker(pid, 'SIGABRT', 'timeout');
		}
	}

	/** Reap workers that exited; halt if one could not boot, rather than respawn it forever. */
	private reapWorkers(halt = true): void {
		// One at a time: a HaltServer thrown for one exit must leave the later ones queued for
		// stop() to reap (like the zombies waitpid has not collected yet), or stop() waits for them.
		for (let exit = this.exited.shift(); exit; exit = this.exited.shift()) {
			const {pid, code, signal} = exit;
			const worker = this.WORKERS.get(pid);
			if (!worker) {
				log.debug(`Reaped unknown child process (pid:${pid})`);
				continue;
			}
			this.WORKERS.delete(pid);
			// 20.1's only line for a reaped worker (21.0 and later: "Worker (pid:N) was sent SIGKILL!
			// Perhaps out of memory?", and "Worker (pid:N) exited with code N." for a non-zero exit).
			if (signal)
				log.warning(`Worker with pid ${pid} was terminated due to signal ${os.constants.signals[signal]}`);
			const reason = worker.reason ?? this.unaskedReason(code, signal);
			this.emit({type: 'worker.exited', pid, reason, code, signal});
			worker.tmp.close();
			// Gunicorn's worker exits WORKER_BOOT_ERROR on any exception before it booted; a node
			// worker can also die before our code runs (e.g. the bundle is missing): same verdict.
			const bootFailed =
				code === WORKER_BOOT_ERROR || (!worker.booted && code !== null && code !== 0 && !this.stopping);
			if (halt && bootFailed) throw new HaltServer('Worker failed to boot.', WORKER_BOOT_ERROR);
			if (halt && code === APP_LOAD_ERROR) throw new HaltServer('App failed to load.', APP_LOAD_ERROR);
		}
	}

	/** Why a worker left that the master did not ask to leave. */
	private unaskedReason(code: number | null, signal: NodeJS.Signals | null): ExitReason {
		if (code === WORKER_BOOT_ERROR || code === APP_LOAD_ERROR) return 'boot-error';
		if (this.stopRequested) return 'shutdown'; // e.g. Ctrl+C or a TERM to the whole process group
		return signal || code === 0 ? 'killed' : 'crashed';
	}

	/** Keep numWorkers alive: spawn the missing ones, TERM the oldest extra ones. */
	private async manageWorkers(reason: ExitReason = 'removed'): Promise<void> {
		if (this.WORKERS.size < this.numWorkers) await this.spawnWorkers();
		const workers = [...this.WORKERS.values()].sort((a, b) => a.age - b.age);
		while (workers.length > this.numWorkers) this.killWorker(workers.shift()!.pid, 'SIGTERM', reason);
	}

	private async spawnWorkers(): Promise<void> {
		for (let i = this.WORKERS.size; i < this.numWorkers && !this.stopping; i++) {
			this.spawnWorker();
			await sleep(100 * Math.random()); // as Gunicorn does: do not fork them all in the same instant
		}
	}

	/** Fork one worker and hand it the listening socket. Its own code runs in worker.ts. */
	private spawnWorker(): void {
		if (!this.listener) return;
		this.workerAge += 1;
		const tmp = WorkerTmp.create();
		const {GW_LIFELINE_FD: _lifeline, ...env} = process.env;
		const child = fork(process.argv[1], ['__worker'], {
			stdio: ['ignore', 'ignore', 'inherit', 'ipc', tmp.fd],
			env: {...env, [WORKER_TMP_ENV]: String(WORKER_TMP_FD)},
		});
		if (child.pid === undefined) {
			tmp.close();
			child.on('error', error => log.error(`Cannot fork a worker: ${error.message}`));
			return;
		}
		const worker: Worker = {
			pid: child.pid,
			age: this.workerAge,
			tmp,
			process: child,
			leaving: false,
			booted: false,
			spawnedAt: Date.now(),
		};
		this.WORKERS.set(worker.pid, worker);
		this.emit({type: 'worker.forked', pid: worker.pid});
		child.on('error', () => undefined); // e.g. the boot message to a worker that just died
		child.on('message', message => {
			if (isLeavingMessage(message)) {
				// The worker runs its signal handler only between requests: this is when it stops accepting.
				if (worker.leaving) return;
				worker.leaving = true;
				this.emit({
					type: 'worker.exiting',
					pid: worker.pid,
					reason: worker.reason ?? this.unaskedReason(message.code, null),
				});
			} else if (isListenerMessage(message)) {
				// gthread below its bound again
				if (this.listener && !worker.leaving) child.send({type: 'listener'}, this.listener.handle as never);
			} else if (isEventMessage(message)) {
				if (message.event.type === 'worker.ready') worker.booted = true;
				if (message.event.type === 'worker.exiting') {
					// max-requests: the worker decides, mid-request, that this one is its last.
					worker.reason ??= message.event.reason;
					worker.leaving = true;
				}
				this.emit(message.event);
			}
		});
		// 'close' comes after the IPC channel is drained: the worker's last events are already out.
		child.once('close', (code, signal) => {
			this.exited.push({pid: worker.pid, code, signal});
			this.signal('chld');
		});
		const {cfg} = this;
		const boot: BootMessage = {
			type: 'boot',
			age: worker.age,
			ppid: this.pid,
			timeout: cfg.timeout,
			maxRequests: cfg.maxRequests > 0 ? cfg.maxRequests + randint(0, cfg.maxRequestsJitter) : 0,
			events: this.eventsOpen,
			address: {host: this.listener.host, port: this.listener.port},
			preloaded: this.app,
			...threading(cfg),
		};
		child.send(boot, this.listener.handle as never);
	}

	private killWorkers(sig: NodeJS.Signals, reason?: ExitReason): void {
		for (const pid of [...this.WORKERS.keys()]) this.killWorker(pid, sig, reason);
	}

	/** Signal a worker; the first reason given is the one its exit reports. */
	private killWorker(pid: number, sig: NodeJS.Signals, reason?: ExitReason): void {
		const worker = this.WORKERS.get(pid);
		if (worker && reason) worker.reason ??= reason;
		const mark = SIGNAL_MARKS[sig];
		if (worker && mark) {
			try {
				worker.tmp.mark(mark); // for a worker blocked in a request (see WorkerTmp.mark)
			} catch {
				// its file is closed: it is being reaped
			}
		}
		kill(pid, sig); // a worker already gone is reaped through its 'close'
	}
}

/** What a Python worker's handler for each signal does at once, even mid-request (workers/base.py). */
const SIGNAL_MARKS: Partial<Record<NodeJS.Signals, Mark>> = {
	SIGTERM: 'term',
	SIGQUIT: 'quit',
	SIGINT: 'quit',
	SIGABRT: 'abort',
};

function kill(pid: number, sig: NodeJS.Signals): void {
	try {
		process.kill(pid, sig);
	} catch {
		// no such process any more
	}
}

/** The worker class and the settings a gthread worker needs (nothing for sync). */
function threading(cfg: ServerOptions) {
	if (cfg.workerClass === 'sync') return {};
	const {workerClass, threads, keepAlive, workerConnections, gracefulTimeout} = cfg;
	return {workerClass, threads, keepAlive, workerConnections, gracefulTimeout};
}

/** The command line a learner would type for these settings. */
function commandLine(cfg: ServerOptions): string {
	const flags = [`--workers ${cfg.workers}`, `--bind ${cfg.bind}`];
	if (cfg.timeout !== 30) flags.push(`--timeout ${cfg.timeout}`);
	if (cfg.maxRequests) flags.push(`--max-requests ${cfg.maxRequests}`);
	if (cfg.preload) flags.push('--preload');
	if (cfg.workerClass !== 'sync') flags.push(`--worker-class ${cfg.workerClass} --threads ${cfg.threads}`);
	return `gunicorn-walkthrough serve ${flags.join(' ')}`;
}
