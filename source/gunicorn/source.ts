// Real Gunicorn serving the Django project in python/, as a LiveSource: found by find.ts,
// run with our hooks (python/walkthrough_conf.py) that write protocol events to fd 3.
import {existsSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {formatBind, workerClassArgs, type ServerOptions} from '../cli/args';
import {createProcessSource} from '../live/process-source';
import type {LiveSource} from '../live/source';
import {findGunicorn} from './find';

export const APP = 'myproject.wsgi:application';
export const CONFIG = 'walkthrough_conf.py';

/**
 * The Django project ships beside the code, not inside the bundle: from source it is
 * ./python/, from dist/*.js (built or installed from npm) ../source/gunicorn/python/.
 */
export function projectDir(): string | undefined {
	for (const relative of ['./python/', '../source/gunicorn/python/']) {
		const dir = fileURLToPath(new URL(relative, import.meta.url));
		if (existsSync(`${dir}${CONFIG}`)) return dir;
	}
	return undefined;
}


/** Gunicorn's command line for these options; flags equal to Gunicorn's defaults are left out to keep it readable. */
export function gunicornArgs(server: ServerOptions): string[] {
	const args = ['--config', CONFIG, '--workers', String(server.workers), '--bind', formatBind(server.bind)];
	if (server.timeout !== 30) args.push('--timeout', String(server.timeout));
	if (server.gracefulTimeout !== 30) args.push('--graceful-timeout', String(server.gracefulTimeout));
	if (server.maxRequests) args.push('--max-requests', String(server.maxRequests));
	if (server.maxRequestsJitter) args.push('--max-requests-jitter', String(server.maxRequestsJitter));
	if (server.preload) args.push('--preload');
	args.push(...workerClassArgs(server));
	return [...args, APP];
}

export async function createGunicornSource(server: ServerOptions, python?: string): Promise<LiveSource | {error: string}> {
	const found = await findGunicorn(python);
	if ('error' in found) return found;
	const cwd = projectDir();
	if (!cwd) return {error: 'the Django project (source/gunicorn/python/) is missing from this installation'};
	const source = createProcessSource({
		kind: 'gunicorn',
		address: formatBind(server.bind),
		command: found.python,
		args: ['-m', 'gunicorn', ...gunicornArgs(server)],
		// Events on fd 3; our settings even if the user's shell names others (GUNICORN_CMD_ARGS could
		// add --daemon or another worker class); no __pycache__ written into the package.
		env: {GW_EVENTS_FD: '3', DJANGO_SETTINGS_MODULE: 'myproject.settings', GUNICORN_CMD_ARGS: '', PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1'},
		cwd,
		events: 'fd3',
		gracefulTimeout: server.gracefulTimeout, // stop() caps it at STOP_LIMIT_S
	});
	const start = source.start;
	source.start = () => start().catch((error: Error) => Promise.reject(new Error(startError(error.message, server.bind))));
	return source;
}

/** Gunicorn's last words when it could not start, said for this app's user. */
export function startError(message: string, bind: string): string {
	// After five tries a second apart: "Can't connect to ('127.0.0.1', 8000)".
	if (/^Can't connect to/.test(message)) return `Gunicorn could not listen on ${formatBind(bind)} (in use, or not allowed): choose another with --bind HOST:PORT`;
	return `Gunicorn did not start: ${message}`;
}
