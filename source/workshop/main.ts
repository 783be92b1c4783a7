// `gunicorn-walkthrough workshop`: the SSH server for the room and, in the terminal where it
// starts, the instructor's walkthrough. q (confirmed), SIGTERM or SIGINT end it the same way: a
// goodbye to every session, then exit 0. SIGHUP or a vanished terminal say goodbye too, then the
// process dies of SIGHUP (see ../ui/hangup.ts).
import {existsSync, statSync} from 'node:fs';
import {networkInterfaces} from 'node:os';
import {dirname, resolve} from 'node:path';
import process from 'node:process';
import chalk from 'chalk';
import type {Invocation, WorkshopOptions} from '../cli/args';
import {complain, reason} from '../cli/complain';
import {wantsNoColour} from '../ui/colour';
import {dieOfHangup, isHangup} from '../ui/hangup';
import {policyFor} from './auth';
import {loadHostKey, type HostKey} from './host-key';
import {attendeeCount, WorkshopRoom} from './room';
import {WorkshopServer} from './server';
import {crashedSession} from './session';
import type {LiveSource} from '../live/source';
import {collectResults, writeResults} from './results';
import {SharedServer, startShared} from './shared-server';

const SIGNALS = ['SIGTERM', 'SIGINT'] as const;

const fail = (message: string, code: number) => {
	complain(message);
	return code;
};

/** What attendees type: a wildcard address is no use to them, so name this machine's first one. */
function displayHost(host: string): string {
	if (host !== '0.0.0.0' && host !== '::') return host;
	const external = Object.values(networkInterfaces())
		.flat()
		.find(a => a && !a.internal && a.family === 'IPv4');
	return external?.address ?? host;
}

function listenError(error: unknown, {host, port}: WorkshopOptions): string {
	switch ((error as NodeJS.ErrnoException).code) {
		case 'EADDRINUSE':
			return `port ${port} on ${host} is in use; pick another with --port`;
		case 'EACCES':
			return (
				`no permission to listen on port ${port}; ports below 1024 need privileges, pick another with ` +
				`--port`
			);
		case 'EADDRNOTAVAIL':
		case 'ENOTFOUND':
			return `--host ${host} is not an address of this machine`;
		default:
			return `cannot listen on ${host}:${port}: ${reason(error)}`;
	}
}

/** --results FILE must be writable where it is named: say so at the start, not after the workshop. */
function resultsProblem(file: string | undefined): string | undefined {
	if (file === undefined) return undefined;
	const dir = dirname(resolve(file));
	if (!existsSync(dir) || !statSync(dir).isDirectory()) return `--results: there is no directory ${dir}`;
	if (existsSync(file) && !statSync(file).isFile()) return `--results: ${file} is not a regular file`;
	return undefined;
}

export async function runWorkshop(inv: Extract<Invocation, {mode: 'workshop'}>): Promise<number> {
	const options = inv.workshop;
	const policy = policyFor(options);
	if (typeof policy === 'string') return fail(policy, 2);
	const problem = resultsProblem(options.results);
	if (problem) return fail(problem, 2);
	let hostKey: HostKey;
	try {
		hostKey = loadHostKey();
	} catch (error) {
		return fail(reason(error), 1);
	}
	// chalk's level is process-wide: render colour for every terminal, and let each one drop what it does not show.
	const instructorColour = !wantsNoColour() && chalk.level > 0;
	if (chalk.level === 0) chalk.level = 1;

	const interactive = Boolean(process.stdin.isTTY && process.stdout.isTTY);
	const room = new WorkshopRoom(hostKey.fingerprint);
	room.controls = options.roomControls;
	// One server for the room: started before anyone can join, so every session sees it from its start.
	let source: LiveSource | undefined;
	let shared: SharedServer | undefined;
	if (inv.live) {
		const started = await startShared(inv);
		if (typeof started === 'string') return fail(started, 2);
		source = started;
		shared = new SharedServer(started, {
			roomControls: options.roomControls,
			onServed: (name, pid) => room.tally(name, pid),
			onExit: (code, signal) => room.incident(`the shared server exited (${signal ?? `code ${code}`})`),
		});
	}
	const server = new WorkshopServer({
		hostKey: hostKey.key,
		policy,
		maxSessions: options.maxSessions,
		idleMs: options.idleTimeout * 60_000,
		room,
		log: interactive ? undefined : line => process.stdout.write(`${line}\n`),
		live: shared && (name => shared.view(name)),
	});
	let port: number;
	try {
		port = await server.listen(options.host, options.port);
	} catch (error) {
		await source?.stop();
		return fail(listenError(error, options), 1);
	}
	room.address = `ssh -p ${port} ${displayHost(options.host)}`;
	const key = hostKey.created
		? `new host key ${hostKey.fingerprint}, kept in ${hostKey.file}`
		: `host key ${hostKey.fingerprint}`;
	process.stderr.write(`Workshop open: ${room.address} · ${key}\n`);

	let exitCode = 0;
	let stop!: () => void;
	const stopped = new Promise<void>(resolve => (stop = resolve));
	// Persistent listeners (not once): Ink's signal-exit re-raises a signal nobody else listens to.
	for (const signal of SIGNALS) process.on(signal, stop);
	let hungUp = false;
	const gone = () => {
		hungUp = true;
		stop();
	};
	process.on('SIGHUP', gone);
	const crash = (error: unknown) => {
		if (isHangup(error)) return gone();
		if (crashedSession(error)) return; // one attendee's session ended; the room carries on
		complain(error);
		exitCode = 1;
		stop();
	};
	process.on('uncaughtException', crash);
	// The instructor's terminal went away (EIO): end the workshop as SIGHUP would, not as a crash.
	process.stdout.on('error', gone);
	process.stdin.on('error', gone);
	try {
		if (interactive) {
			const {lead} = await import('./instructor');
			await lead(inv, room, instructorColour, stopped, shared?.view());
		} else {
			await stopped;
		}
	} finally {
		const attendees = server.attendees;
		await server.close();
		room.close();
		process.stderr.write(`Workshop ended${attendees ? `; said goodbye to ${attendeeCount(attendees)}` : ''}.\n`);
		if (options.results) exitCode = saveResults(options.results, room) || exitCode;
		shared?.close();
		await source?.stop();
		for (const signal of SIGNALS) process.off(signal, stop);
		process.off('SIGHUP', gone);
		process.off('uncaughtException', crash);
		process.stdout.off('error', gone);
		process.stdin.off('error', gone);
	}
	if (hungUp) dieOfHangup();
	return exitCode;
}

/** Writes the results; 1 (and one line saying why) when they could not be written. */
function saveResults(file: string, room: WorkshopRoom): number {
	try {
		const [json, csv] = writeResults(file, collectResults(room));
		process.stderr.write(`Results: ${json} and ${csv}\n`);
		return 0;
	} catch (error) {
		complain(`could not write the results: ${reason(error)}`);
		return 1;
	}
}
