// Gunicorn's sock.create_sockets: the master binds the listening socket before any fork.
// net._createServerHandle (what node:cluster's SharedHandle uses) binds a socket that no event
// loop in the master watches, so the master never accepts: each worker gets the handle over
// IPC, listens on it and accepts for itself, the kernel handing each connection to one worker.
import {fork} from 'node:child_process';
import {lookup} from 'node:dns/promises';
import net from 'node:net';
import process from 'node:process';
import {getSystemErrorName} from 'node:util';
import {parseBind} from '../cli/args';

/** The native TCP handle (node's TCPWrap); only passed around and closed here. */
export interface ServerHandle {
	close(): void;
	listen(backlog: number): number;
	getsockname(out: {address?: string; port?: number; family?: string}): number;
}

type CreateServerHandle = (
	address: string,
	port: number,
	addressType: 4 | 6,
	fd?: number,
	flags?: number,
) => ServerHandle | number;
const createServerHandle = (net as unknown as {_createServerHandle: CreateServerHandle})._createServerHandle;

export interface Listener {
	handle: ServerHandle;
	host: string;
	port: number;
	/** host:port as the protocol and the log print it ([::1]:8000 for IPv6). */
	address: string;
}

/** Why binding failed, as one line. */
export class BindError extends Error {}

export async function createSocket(bind: string): Promise<Listener> {
	const parsed = parseBind(bind);
	if (!parsed) throw new BindError(`Invalid address: ${bind}`);
	let host = parsed.host;
	if (!net.isIP(host)) {
		try {
			host = (await lookup(host)).address;
		} catch {
			throw new BindError(`Can't resolve ${parsed.host} to an address`);
		}
	}
	const family = net.isIPv6(host) ? 6 : 4;
	const shown = (h: string, p: number) => (family === 6 ? `[${h}]:${p}` : `${h}:${p}`);
	const rval = createServerHandle(host, parsed.port, family);
	if (typeof rval === 'number') throw bindError(getSystemErrorName(rval), shown(host, parsed.port));
	const out: {address?: string; port?: number} = {};
	rval.getsockname(out);
	// libuv keeps a bind's EADDRINUSE for listen() to report; the socket is simply left unbound.
	if (parsed.port !== 0 && out.port !== parsed.port) {
		rval.close();
		throw bindError('EADDRINUSE', shown(host, parsed.port));
	}
	const port = out.port ?? parsed.port;
	const listener = {handle: rval, host, port, address: shown(host, port)};
	await listen(listener);
	return listener;
}

function bindError(code: string, where: string): BindError {
	if (code === 'EADDRINUSE')
		return new BindError(`Connection in use: ${where} (another server listens there; pick another --bind)`);
	if (code === 'EACCES')
		return new BindError(`Can't bind to ${where}: permission denied (ports below 1024 need privileges)`);
	if (code === 'EADDRNOTAVAIL') return new BindError(`Can't bind to ${where}: no such address on this machine`);
	return new BindError(`Can't bind to ${where}: ${code}`);
}

/**
 * Gunicorn's master calls listen() right after bind(), so connections queue from then on,
 * even before a worker exists. libuv has no listen-without-accept (uv_listen also starts
 * accepting on the next loop turn), so a throwaway child gets the socket, calls listen(2) on
 * its copy and closes it in the same tick, before its event loop could accept anything. The
 * socket stays listening in the master, which never polls it.
 */
async function listen(listener: Listener): Promise<void> {
	const {GW_LIFELINE_FD: _lifeline, ...env} = process.env;
	const child = fork(process.argv[1], ['__worker'], {stdio: ['ignore', 'ignore', 'inherit', 'ipc'], env});
	const errno = await new Promise<number>(resolve => {
		child.once('message', (m: ListenResult) => resolve(m.errno));
		child.once('exit', () => resolve(-1));
		child.once('error', () => resolve(-1));
		child.send({type: 'listen', backlog: BACKLOG} satisfies ListenMessage, listener.handle as never);
	});
	child.kill();
	if (errno === -1) throw new BindError(`Can't listen on ${listener.address}: the helper process failed`);
	if (errno) throw bindError(getSystemErrorName(errno), listener.address);
}

/** Gunicorn's --backlog default. */
export const BACKLOG = 2048;

export interface ListenMessage {
	type: 'listen';
	backlog: number;
}
export interface ListenResult {
	errno: number; // 0 when listening
}

/** The throwaway child's side (see listen()). */
export function listenOnce(handle: ServerHandle, backlog: number): ListenResult {
	const errno = handle.listen(backlog);
	handle.close();
	return {errno};
}
