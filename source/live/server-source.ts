// `--live`: our own pre-fork server (`serve --events json`) as a child of the app, through the
// generic process source (own process group, lifeline, events on stdout, logs on stderr).
import {mkdtempSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import process from 'node:process';
import {formatBind, workerClassArgs, type ServerOptions} from '../cli/args';
import {createProcessSource} from './process-source';
import type {LiveSource} from './source';

export function serveArgs(server: ServerOptions): string[] {
	return [
		'serve',
		'--events',
		'json',
		'--workers',
		String(server.workers),
		'--bind',
		server.bind,
		'--timeout',
		String(server.timeout),
		'--graceful-timeout',
		String(server.gracefulTimeout),
		'--max-requests',
		String(server.maxRequests),
		'--max-requests-jitter',
		String(server.maxRequestsJitter),
		...(server.preload ? ['--preload'] : []),
		...workerClassArgs(server),
	];
}

/** The server's app reads its greeting from this file (source/server/app.ts, GREETING_FILE_ENV). */
const GREETING_FILE_ENV = 'GW_APP_TEXT_FILE';

/**
 * A file of our own for the app's greeting (edit-app): the app reads it when it is imported, so a
 * worker sees an edit only once it imports the app again. Removed when this process exits.
 */
function greetingFile(): {file: string; edit: (text: string) => void} {
	const dir = mkdtempSync(join(tmpdir(), 'gw-app-'));
	process.on('exit', () => rmSync(dir, {recursive: true, force: true}));
	const file = join(dir, 'greeting.txt');
	return {file, edit: text => writeFileSync(file, `${text}\n`)};
}

/** cli: the bundle to run `serve` from (tests pass the one they built); env: over process.env. */
export function createServerSource(
	server: ServerOptions,
	path?: string,
	cli = process.argv[1],
	env: Record<string, string> = {},
): LiveSource {
	const greeting = greetingFile();
	const argsFor = (options: ServerOptions) => [cli, ...serveArgs(options)];
	return createProcessSource({
		kind: 'server',
		address: formatBind(server.bind), // port 0: the real one comes with socket.bound
		command: process.execPath,
		args: argsFor(server),
		env: {...env, [GREETING_FILE_ENV]: greeting.file},
		events: 'stdout',
		gracefulTimeout: server.gracefulTimeout, // stop() caps it at STOP_LIMIT_S
		path,
		editApp: greeting.edit,
		reconfigure: flags => {
			const options = {...server, ...flags};
			return {args: argsFor(options), gracefulTimeout: options.gracefulTimeout};
		},
	});
}
