// Client-side probes for the labs, the same against our server and real Gunicorn: clients that
// trickle their headers, requests sent together and timed one by one, and memory from /proc.
import {readFileSync} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import {parseBind} from '../cli/args';
import type {BurstResult, MemoryReading, RequestResult, SlowClientResult, TimedResult} from './source';

const BODY_KEPT = 300; // enough for the app's greeting
const target = (address: string) => parseBind(address) ?? {host: '127.0.0.1', port: 8000};

/** One GET with Connection: close, timed from the connect to the end of the body. */
export function getOnce(address: string, path: string, timeoutMs = 10 * 60_000): Promise<RequestResult> {
	const t0 = performance.now();
	const {host, port} = target(address);
	return new Promise(resolve => {
		const done = (result: Omit<RequestResult, 'ms'>) => resolve({...result, ms: performance.now() - t0});
		const req = http.get(
			{host, port, path, agent: false, headers: {Connection: 'close'}, timeout: timeoutMs},
			res => {
				let body = '';
				res.setEncoding('utf8');
				res.on('data', (chunk: string) => {
					if (body.length < BODY_KEPT) body += chunk.slice(0, BODY_KEPT - body.length);
				});
				res.on('end', () => done({status: res.statusCode, body}));
				res.on('error', error => done({status: res.statusCode, error: error.message}));
			},
		);
		req.on('timeout', () => req.destroy(new Error('timed out')));
		req.on('error', error => done({error: (error as NodeJS.ErrnoException).code ?? error.message}));
	});
}

/** n GETs sent together, each timed on its own: when it started and ended (Date.now ms) and how long. */
export async function timedTogether(address: string, path: string, n: number): Promise<TimedResult[]> {
	return Promise.all(
		Array.from({length: n}, async () => {
			const start = Date.now();
			const result = await getOnce(address, path);
			return {...result, start, end: Date.now()};
		}),
	);
}

/** Gunicorn reads at most this much of a request head; a trickled header stays far below it. */
const HEAD = 'GET / HTTP/1.1\r\nHost: walkthrough\r\nX-Slow: ';

/**
 * One client that sends its request head a byte every intervalMs, `bytes` bytes of one header's
 * value after the start, then the end of the head. It ends when the server answers or closes.
 */
export function slowClient(address: string, intervalMs: number, bytes: number): Promise<SlowClientResult> {
	const t0 = performance.now();
	const data = Buffer.from(`${HEAD}${'a'.repeat(bytes)}\r\n\r\n`);
	return new Promise(resolve => {
		let sent = 0;
		let reply = '';
		let timer: NodeJS.Timeout | undefined;
		const socket = net.connect(target(address));
		const end = (ended: SlowClientResult['ended']) => {
			clearInterval(timer);
			const status = /^HTTP\/1\.[01] (\d{3})/.exec(reply)?.[1];
			resolve({ms: performance.now() - t0, sent, ended, ...(status ? {status: Number(status)} : {})});
			socket.destroy();
		};
		socket.on('connect', () => {
			timer = setInterval(() => {
				if (sent >= data.length) return clearInterval(timer);
				socket.write(data.subarray(sent, sent + 1));
				sent++;
			}, intervalMs);
		});
		socket.on('data', chunk => {
			reply += chunk.toString('latin1');
		});
		socket.on('end', () => end(reply ? 'answered' : 'closed'));
		socket.on('error', error => end((error as NodeJS.ErrnoException).code === 'ECONNRESET' ? 'reset' : 'closed'));
	});
}

export const slowClients = (address: string, n: number, intervalMs: number, bytes: number) =>
	Promise.all(Array.from({length: n}, () => slowClient(address, intervalMs, bytes)));

/** kB figures of /proc/PID/smaps_rollup (Linux 4.14+); undefined when the process is gone or it is missing. */
export function smapsRollup(pid: number): Omit<MemoryReading, 'pid' | 'role'> | undefined {
	let text: string;
	try {
		text = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
	} catch {
		return undefined;
	}
	const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? 0);
	return {
		rss: kb('Rss'),
		pss: kb('Pss'),
		shared: kb('Shared_Clean') + kb('Shared_Dirty'),
		private: kb('Private_Clean') + kb('Private_Dirty'),
	};
}

/** The master's and each worker's memory, those that could be read. */
export function readMemory(master: number | undefined, workers: readonly number[]): MemoryReading[] {
	const pids: Array<[number, MemoryReading['role']]> = [
		...(master ? [[master, 'master'] as [number, 'master']] : []),
		...workers.map(pid => [pid, 'worker'] as [number, 'worker']),
	];
	return pids.flatMap(([pid, role]) => {
		const figures = smapsRollup(pid);
		return figures ? [{pid, role, ...figures}] : [];
	});
}

const BURST_CONCURRENCY = 8;

/** n GETs of path, a few at a time (the Live panel's b): how many were answered with a 2xx. */
export async function burst(
	request: (path: string) => Promise<RequestResult>,
	path: string,
	n: number,
): Promise<BurstResult> {
	const t0 = performance.now();
	let next = 0;
	let ok = 0;
	let failed = 0;
	const lane = async () => {
		while (next < n) {
			next++;
			const result = await request(path);
			if (result.status !== undefined && result.status >= 200 && result.status < 300) ok++;
			else failed++;
		}
	};
	await Promise.all(Array.from({length: Math.min(BURST_CONCURRENCY, n)}, lane));
	return {sent: n, ok, failed, ms: performance.now() - t0};
}
