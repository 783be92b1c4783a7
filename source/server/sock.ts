// Gunicorn's sock.create_sockets: the master binds the listening socket before any fork.
// net._createServerHandle (what node:cluster's SharedHandle uses) binds without listening,
// so the master never accepts: each worker gets the handle over IPC, listens on it and
// accepts for itself, the kernel handing each connection to one waiting worker.
import {lookup} from 'node:dns/promises';
import net from 'node:net';
import {getSystemErrorName} from 'node:util';
import {parseBind} from '../cli/args';

/** The native TCP handle (node's TCPWrap); only passed around and closed here. */
export interface ServerHandle {
	close(): void;
	listen(backlog: number): number;
	getsockname(out: {address?: string; port?: number; family?: string}): number;
}

type CreateServerHandle = (address: string, port: number, addressType: 4 | 6, fd?: number, flags?: number) => ServerHandle | number;
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
	const rval = inUse(host, parsed.port, family) ?? createServerHandle(host, parsed.port, family);
	if (typeof rval === 'number') {
		const code = getSystemErrorName(rval);
		const where = shown(host, parsed.port);
		if (code === 'EADDRINUSE') throw new BindError(`Connection in use: ${where} (another server listens there; pick another --bind)`);
		if (code === 'EACCES') throw new BindError(`Can't bind to ${where}: permission denied (ports below 1024 need privileges)`);
		if (code === 'EADDRNOTAVAIL') throw new BindError(`Can't bind to ${where}: no such address on this machine`);
		throw new BindError(`Can't bind to ${where}: ${code}`);
	}
	const out: {address?: string; port?: number} = {};
	rval.getsockname(out);
	const port = out.port ?? parsed.port;
	return {handle: rval, host, port, address: shown(host, port)};
}

/**
 * libuv binds with SO_REUSEADDR, and Linux then lets a bind to a port another server listens
 * on succeed: only listen() fails. The master must not listen (libuv would start accepting),
 * so a throwaway socket listens for an instant, never polled, and tells us. Port 0 is always free.
 */
function inUse(host: string, port: number, family: 4 | 6): number | undefined {
	if (port === 0) return undefined;
	const probe = createServerHandle(host, port, family);
	if (typeof probe === 'number') return probe;
	const err = probe.listen(1);
	probe.close(); // closes the fd now, before the event loop could ever poll it
	return err || undefined;
}
