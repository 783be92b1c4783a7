// The WSGI-shaped application that plays Django's part: environ in; status, headers and
// body out, called synchronously by a sync worker. A tiny URL resolver routes the path to
// a view, as Django's does.
import {readFileSync} from 'node:fs';
import process from 'node:process';
import {timestamp, writeAll} from './log';

export type Headers = Array<[string, string]>;
export type StartResponse = (status: string, headers: Headers) => void;

export interface Environ {
	REQUEST_METHOD: string;
	PATH_INFO: string;
	QUERY_STRING: string;
	SERVER_NAME: string;
	SERVER_PORT: string;
	SERVER_PROTOCOL: string;
	REMOTE_ADDR?: string;
	REMOTE_PORT?: string;
	'wsgi.url_scheme': 'http';
	/** True in a gthread worker, as Gunicorn sets it: the app may run in several threads at once. */
	'wsgi.multithread'?: boolean;
	'wsgi.errors': (line: string) => void;
	/** The server's hook for "Django resolved the URL and calls this view" (an event). */
	'walkthrough.dispatched'?: (route: string, view: string) => void;
	[header: `HTTP_${string}`]: string;
}

export type WsgiApp = (environ: Environ, startResponse: StartResponse) => Iterable<string | Uint8Array>;

/** Who imported the app, and when: the visible difference --preload makes on HUP. */
export interface AppOrigin {
	name: string;
	pid: number;
	where: 'master' | 'worker';
	loadedAt: number; // ms since the epoch
	/** The greeting / answers with, read at import (a preloaded app's workers inherit the master's). */
	greeting?: string;
}

/** Where the app reads its greeting when it is imported: the working copy a lab edits (edit-app). */
export const GREETING_FILE_ENV = 'GW_APP_TEXT_FILE';
const DEFAULT_GREETING = 'Hello';

function readGreeting(): string {
	const file = process.env[GREETING_FILE_ENV];
	if (!file) return DEFAULT_GREETING;
	try {
		return readFileSync(file, 'utf8').trim() || DEFAULT_GREETING;
	} catch {
		return DEFAULT_GREETING; // not written yet: the text as shipped
	}
}

export const APP_NAME = 'walkthrough.wsgi:application';

/** Raised while importing the app; the worker exits with WORKER_BOOT_ERROR. */
export class AppImportError extends Error {}

const sleeper = new Int32Array(new SharedArrayBuffer(4));
const SLICE_MS = 50;
let betweenSlices = () => {};

/** Raised by a check between slices to leave the request at once, like Python's SystemExit. */
export class SystemExit extends Error {
	constructor(readonly code: number) {
		super(`exit ${code}`);
	}
}

/**
 * Python runs signal handlers between bytecodes, even during time.sleep(); node runs none while
 * blocked, so the worker installs a check here (for the master's abort mark) that may throw SystemExit.
 */
export function betweenBlockingSlices(check: () => void): void {
	betweenSlices = check;
}

/** Blocks the thread, as time.sleep() does: in a sync worker the whole worker, heartbeat included. */
export function blockFor(ms: number, checks = true): void {
	const until = performance.now() + ms;
	for (let left = ms; left > 0; left = until - performance.now()) {
		Atomics.wait(sleeper, 0, 0, Math.min(SLICE_MS, left));
		if (checks) betweenSlices();
	}
}

/**
 * "Imports" the app. GW_APP_FAIL=1 makes the import raise, like a Django project with a
 * broken setting: the way to see a worker that cannot boot (and the master halting).
 */
export function loadApp(where: 'master' | 'worker', origin?: AppOrigin): {app: WsgiApp; origin: AppOrigin} {
	if (process.env.GW_APP_FAIL)
		throw new AppImportError(
			`ImproperlyConfigured: ${APP_NAME.split(':')[0]} cannot be imported (GW_APP_FAIL is set)`,
		);
	const loaded = origin ?? {name: APP_NAME, pid: process.pid, where, loadedAt: Date.now(), greeting: readGreeting()};
	return {app: application(loaded), origin: loaded};
}

/** Python's RuntimeError, the exception the Django project's view raises. */
class RuntimeError extends Error {
	override name = 'RuntimeError';
}

/** django.views.defaults.server_error without a 500.html template (DEBUG = False). */
export const SERVER_ERROR_PAGE =
	'\n<!doctype html>\n<html lang="en">\n<head>\n  <title>Server Error (500)</title>\n</head>\n<body>\n  <h1>Server ' +
	'Error (500)</h1><p></p>\n</body>\n</html>\n';

/** The django.request logger, formatted as the Django project's LOGGING does (myproject/logs.py). */
function djangoLog(level: 'ERROR', message: string, error: unknown): void {
	const raised = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
	writeAll(2, `[django] ${level} ${message} | ${raised}\n`);
}

type View = (environ: Environ, params: URLSearchParams) => {status: string; body: string};

function application(origin: AppOrigin): WsgiApp {
	const loaded =
		`${APP_NAME} was imported at ${timestamp(new Date(origin.loadedAt))} in ` +
		`the ${origin.where} (pid ${origin.pid})`;
	const views: Record<string, [string, View]> = {
		'/': [
			'views.index',
			() => ({
				status: '200 OK',
				body:
					`${origin.greeting ?? DEFAULT_GREETING} from ` +
					`worker ${process.pid}.\n${loaded}` +
					`${origin.where === 'master' ? ', before the fork: HUP does not re-import it' : ''}.\n`,
			}),
		],
		'/slow': [
			'views.slow',
			(environ, params) => {
				const seconds = Number(params.get('s') ?? '5');
				if (!Number.isFinite(seconds) || seconds < 0 || seconds > 3600)
					return {status: '400 Bad Request', body: 's must be a number of seconds from 0 to 3600\n'};
				blockFor(seconds * 1000);
				// A sync worker sleeps in its only thread; a gthread worker in one of its pool's, while its main loop
				// heartbeats.
				const how = environ['wsgi.multithread']
					? 'in one of its threads, its main loop heartbeating'
					: 'without a heartbeat';
				return {status: '200 OK', body: `Worker ${process.pid} slept ${seconds}s ${how}.\n`};
			},
		],
		'/error': [
			'views.error',
			() => {
				throw new RuntimeError('this view raises on purpose');
			},
		],
	};
	return (environ, startResponse) => {
		const route = views[environ.PATH_INFO];
		if (!route) {
			// No URL pattern matched: Django answers 404 without calling a view.
			startResponse('404 Not Found', [['Content-Type', 'text/plain; charset=utf-8']]);
			return [`Not found: ${environ.PATH_INFO}\nTry /, /slow?s=N or /error.\n`];
		}
		const [view, handler] = route;
		environ['walkthrough.dispatched']?.(environ.PATH_INFO.slice(1), view);
		try {
			const {status, body} = handler(environ, new URLSearchParams(environ.QUERY_STRING));
			startResponse(status, [['Content-Type', 'text/plain; charset=utf-8']]);
			return [body];
		} catch (error) {
			if (error instanceof SystemExit) throw error;
			// Django's response_for_exception: the view's exception never reaches the server.
			djangoLog('ERROR', `Internal Server Error: ${environ.PATH_INFO}`, error);
			startResponse('500 Internal Server Error', [['Content-Type', 'text/html']]);
			return [SERVER_ERROR_PAGE];
		}
	};
}
