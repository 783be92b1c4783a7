// What the master and a worker say to each other over the fork's IPC channel.
import type {LifecycleEvent, WorkerClass} from '../lifecycle/events';
import type {AppOrigin} from './app';

/** Gunicorn's exit codes that make the arbiter halt instead of respawning forever. */
export const WORKER_BOOT_ERROR = 3;
export const APP_LOAD_ERROR = 4;

/** fds of a worker: 0-2 stdio, 3 the IPC channel, 4 its WorkerTmp (the heartbeat file). */
export const WORKER_TMP_FD = 4;
/** Set for real workers only (not the listen helper): the fd of the heartbeat file. */
export const WORKER_TMP_ENV = 'GW_WORKER_TMP_FD';

/** Master -> worker, sent with the listening socket's handle. */
export interface BootMessage {
	type: 'boot';
	age: number;
	ppid: number;
	timeout: number; // seconds: notify at least every timeout / 2
	maxRequests: number; // 0 = no limit; already includes the jitter
	events: boolean; // report every lifecycle event (--events json)
	address: {host: string; port: number};
	preloaded?: AppOrigin; // --preload: the app the master imported before the fork
	workerClass?: WorkerClass; // absent: sync
	threads?: number; // gthread: the pool, keep-alive seconds, connections one worker holds
	keepAlive?: number;
	workerConnections?: number;
	gracefulTimeout?: number; // seconds a leaving gthread worker gives its pool
}

/** Worker -> master: one lifecycle event, printed by the master so lines never interleave. */
export interface EventMessage {
	type: 'event';
	event: LifecycleEvent;
}

export const isEventMessage = (m: unknown): m is EventMessage =>
	typeof m === 'object' &&
	m !== null &&
	(m as EventMessage).type === 'event' &&
	typeof (m as EventMessage).event?.type === 'string';

/**
 * Worker -> master, and the master's answer with the listening socket: a gthread worker at
 * --worker-connections closes its copy (the kernel leaves new connections to the other
 * workers, as Gunicorn's loop stops selecting on it) and asks for a fresh one below the bound.
 */
export interface ListenerMessage {
	type: 'listener';
}

export const isListenerMessage = (m: unknown): m is ListenerMessage =>
	typeof m === 'object' && m !== null && (m as ListenerMessage).type === 'listener';

/** Worker -> master: it stops accepting and leaves (its last message; the exit code it will use). */
export interface LeavingMessage {
	type: 'leaving';
	code: number;
}

export const isLeavingMessage = (m: unknown): m is LeavingMessage =>
	typeof m === 'object' && m !== null && (m as LeavingMessage).type === 'leaving';
