// `--live`: our own pre-fork server (`serve --events json`) as a child of the app, through the
// generic process source (own process group, lifeline, events on stdout, logs on stderr).
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

export function createServerSource(server: ServerOptions, path?: string): LiveSource {
	return createProcessSource({
		kind: 'server',
		address: formatBind(server.bind), // port 0: the real one comes with socket.bound
		command: process.execPath,
		args: [process.argv[1], ...serveArgs(server)],
		events: 'stdout',
		gracefulTimeout: server.gracefulTimeout, // stop() caps it at STOP_LIMIT_S
		path,
	});
}
