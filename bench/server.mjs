// Our pre-fork server's figures, measured side by side in this run (the machine is shared):
// requests per second of `serve --workers 2`, sync and gthread (4 threads), against a plain
// node:cluster hello server with 2 workers (alternating runs, medians, the ratios), eight
// concurrent slow views on gthread against sync, and the app's key latency in `--live` while
// bursts of requests run. Loopback only; every load is bounded in time.
import {spawn as spawnChild, spawnSync} from 'node:child_process';
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import net from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {isMainThread, parentPort, Worker, workerData} from 'node:worker_threads';
import xterm from '@xterm/headless';
import {median, quantile, spawn} from './walkthrough.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'dist/cli.js');
const ROUNDS = 5; // per server, alternating
const RUN_MS = 2000;
const LANES = 16; // connections in flight at once
const KEY_PRESSES = 40;

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
const REQUEST = Buffer.from('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n');

/** The plain baseline: node:cluster (the primary accepts and hands connections round robin). */
const CLUSTER = `
import cluster from 'node:cluster';
import http from 'node:http';
if (cluster.isPrimary) {
	for (let i = 0; i < 2; i++) cluster.fork().on('message', port => process.stdout.write(port + '\\n'));
	process.on('SIGTERM', () => { for (const w of Object.values(cluster.workers)) w.kill(); process.exit(0); });
} else {
	const server = http.createServer((req, res) => {
		res.setHeader('Content-Type', 'text/plain; charset=utf-8');
		res.end('Hello from worker ' + process.pid + '.\\n');
	});
	server.listen(0, '127.0.0.1', () => process.send(server.address().port));
}
`;

/** Starts a server in its own process group; resolves with its port once it prints it. */
function startServer(command, args, portFrom, {program = process.execPath, cwd} = {}) {
	const child = spawnChild(program, [command, ...args], {stdio: ['ignore', 'pipe', 'pipe'], detached: true, cwd});
	let text = '';
	return new Promise((resolve, reject) => {
		const timer = setTimeout(() => reject(new Error(`bench: ${command} did not start: ${text}`)), 15_000);
		const look = chunk => {
			text += chunk;
			const port = portFrom(text);
			if (!port) return;
			clearTimeout(timer);
			// Let every worker boot before the load starts.
			setTimeout(() => resolve({port, stop: () => stopGroup(child)}), 1000);
		};
		child.stdout.on('data', look);
		child.stderr.on('data', look);
	});
}

async function stopGroup(child) {
	const exited = new Promise(resolve => child.once('exit', resolve));
	try {
		process.kill(-child.pid, 'SIGTERM');
	} catch {
		return;
	}
	const timer = setTimeout(() => {
		try {
			process.kill(-child.pid, 'SIGKILL');
		} catch {}
	}, 5000);
	await exited;
	clearTimeout(timer);
}

/** One request on a fresh connection, as a sync worker wants it; true for a 200. */
function oneRequest(port) {
	return new Promise(resolve => {
		const socket = net.connect(port, '127.0.0.1');
		let head = '';
		socket.setNoDelay(true);
		socket.on('connect', () => socket.write(REQUEST));
		socket.on('data', data => {
			if (head.length < 12) head += data.toString('latin1');
		});
		socket.on('error', () => undefined);
		socket.on('close', () => resolve(head.startsWith('HTTP/1.1 200')));
	});
}

/** LANES connections at a time for RUN_MS: completed 200s per second. */
async function load(port) {
	let ok = 0;
	let failed = 0;
	const started = performance.now();
	const end = started + RUN_MS;
	await Promise.all(
		Array.from({length: LANES}, async () => {
			while (performance.now() < end) (await oneRequest(port)) ? ok++ : failed++;
		}),
	);
	return {rps: ok / ((performance.now() - started) / 1000), failed};
}

const listening = t => Number(/Listening at: http:\/\/[^\s]*:(\d+) /.exec(t)?.[1]);
const GTHREAD = ['--worker-class', 'gthread', '--threads', '4'];

async function throughput(tmp) {
	const clusterFile = join(tmp, 'cluster.mjs');
	writeFileSync(clusterFile, CLUSTER);
	const servers = [
		await startServer(CLI, ['serve', '--workers', '2', '--bind', '127.0.0.1:0'], listening),
		await startServer(CLI, ['serve', ...GTHREAD, '--workers', '2', '--bind', '127.0.0.1:0'], listening),
		await startServer(clusterFile, [], t => Number(/^(\d+)$/m.exec(t)?.[1])),
	];
	try {
		for (const server of servers) await load(server.port); // warm each up
		const rps = servers.map(() => []);
		let failed = 0;
		for (let i = 0; i < ROUNDS; i++) {
			for (const [n, server] of servers.entries()) {
				const x = await load(server.port);
				rps[n].push(x.rps);
				failed += x.failed;
			}
		}
		const [ours, gthread, plain] = rps.map(median);
		return {ours, gthread, plain, failed};
	} finally {
		await Promise.all(servers.map(server => server.stop()));
	}
}

const SLOW_ROUNDS = 5;

/**
 * Eight concurrent /slow?s=1, SLOW_ROUNDS times: seconds until the last answer (median, best).
 * Sync queues them; gthread's threads run them, in about 1 s when the kernel spreads the eight
 * connections four and four over the two workers, 2 s when one worker accepts five or more.
 */
async function slowViews(server) {
	try {
		for (let pids = new Set(), until = Date.now() + 10_000; pids.size < 2 && Date.now() < until; )
			pids.add(await pidOf(server.port)); // both workers up
		const rounds = [];
		let failed = 0;
		for (let i = 0; i < SLOW_ROUNDS; i++) {
			const started = performance.now();
			const answers = await Promise.all(Array.from({length: 8}, () => slowRequest(server.port)));
			rounds.push((performance.now() - started) / 1000);
			failed += answers.filter(ok => !ok).length;
		}
		return {median: median(rounds), best: Math.min(...rounds), failed};
	} finally {
		await server.stop();
	}
}

/** Real Gunicorn's gthread worker on the walkthrough's Django project, when it is installed. */
function startGunicorn() {
	if (!existsSync('/usr/bin/python3')) return undefined;
	const check = spawnSync('/usr/bin/python3', ['-c', 'import gunicorn, django'], {stdio: 'ignore'});
	if (check.status !== 0) return undefined;
	const args = ['gunicorn', ...GTHREAD, '--workers', '2', '--bind', '127.0.0.1:0', 'myproject.wsgi:application'];
	return startServer('-m', args, listening, {program: '/usr/bin/python3', cwd: join(root, 'source/gunicorn/python')});
}

function pidOf(port) {
	return new Promise(resolve => {
		const socket = net.connect(port, '127.0.0.1', () => socket.write(REQUEST));
		let text = '';
		socket.on('data', data => (text += data.toString('latin1')));
		socket.on('error', () => undefined);
		socket.on('close', () => resolve(/worker (\d+)/i.exec(text)?.[1]));
	});
}

function slowRequest(port) {
	return new Promise(resolve => {
		const socket = net.connect(port, '127.0.0.1', () =>
			socket.write('GET /slow?s=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'),
		);
		let head = '';
		socket.on('data', data => (head += data.toString('latin1')));
		socket.on('error', () => undefined);
		socket.on('close', () => resolve(head.startsWith('HTTP/1.1 200')));
	});
}

/** Key latency in --live while bursts of 200 run: 1 and 9 switch panels, timed until the screen shows it. */
export async function liveKeys(tmp, presses = KEY_PRESSES) {
	const session = spawn(CLI, ['--live', '--bind', '127.0.0.1:0', '--reset'], tmp);
	const {tabs, screen, until} = watch(session);
	try {
		await until(() => (screen().match(/^\s+\d+\s+idle/gm) ?? []).length === 2);
		const latencies = [];
		let served = 0;
		for (let i = 0; i < presses; i++) {
			if (i % 8 === 0) {
				session.child.write('9');
				await until(() => tabs().includes('[9 Live]'));
				session.child.write('b'); // a burst of 200; the next presses land while it runs
				await sleep(100);
			}
			const [key, marker] = i % 2 === 0 ? ['1', '[1 Flow]'] : ['9', '[9 Live]'];
			const pressed = performance.now();
			session.child.write(key);
			latencies.push((await until(() => tabs().includes(marker))) - pressed);
			await sleep(30);
		}
		// Every burst done: the Live panel counts what the server reported.
		session.child.write('9');
		const bursts = Math.ceil(presses / 8) * 200;
		await until(() => Number(/served (\d+)/.exec(screen())?.[1]) >= bursts, 60_000);
		served = Number(/served (\d+)/.exec(screen())?.[1]);
		return {latencies, served};
	} finally {
		session.child.write('q');
		const exited = await Promise.race([session.exited, sleep(8000).then(() => undefined)]);
		if (!exited) session.child.kill('SIGKILL');
	}
}

const freePort = () =>
	new Promise(resolve => {
		const probe = net.createServer().listen(0, '127.0.0.1', () => {
			const {port} = probe.address();
			probe.close(() => resolve(port));
		});
	});
const rssMb = pid => {
	try {
		return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
	} catch {
		return 0; // gone
	}
};

/** CPU time a process has used, in ms (utime + stime from /proc). */
const cpuMs = pid => {
	try {
		const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
		return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
	} catch {
		return 0;
	}
};

/** The screen of a --live session, and a wait for a condition on it (resolving with the time it held). */
function watch(session) {
	const term = new xterm.Terminal({cols: 80, rows: 24, allowProposedApi: true});
	const line = y => term.buffer.active.getLine(term.buffer.active.viewportY + y)?.translateToString(true) ?? '';
	const screen = () => Array.from({length: term.rows}, (_, y) => line(y)).join('\n');
	let written = Promise.resolve();
	const waiters = new Set();
	session.listeners.add(data => {
		written = written
			.then(() => new Promise(resolve => term.write(data, resolve)))
			.then(() => {
				for (const check of waiters) check();
			});
	});
	const until = (test, timeoutMs = 15_000) =>
		new Promise((resolve, reject) => {
			const timer = setTimeout(() => {
				waiters.delete(check);
				reject(new Error(`bench: --live did not show the expected screen:\n${screen()}`));
			}, timeoutMs);
			const check = () => {
				if (!test()) return;
				clearTimeout(timer);
				waiters.delete(check);
				resolve(performance.now());
			};
			waiters.add(check);
			check();
		});
	return {tabs: () => line(1), screen, until};
}

/**
 * LANES connections, each a new request the moment the last is answered, from a worker thread:
 * on the bench's own event loop, the lanes' callbacks delayed its reading of the screen (its loop
 * lagged 33 ms at p99, 90 ms at worst), which counted as the app's key latency.
 */
function unpacedLoad(port) {
	const worker = new Worker(new URL(import.meta.url), {workerData: {port}});
	const answers = [];
	worker.on('message', n => answers.shift()?.(n));
	const ask = what =>
		new Promise(resolve => {
			answers.push(resolve);
			worker.postMessage(what);
		});
	let stopped;
	return {served: () => ask('served'), stop: () => (stopped ??= ask('stop').finally(() => worker.terminate()))};
}

/** The worker's side: the lanes, and the count of 200s served when asked. */
async function runLanes({port}) {
	let loading = true;
	let served = 0;
	parentPort.on('message', what => {
		if (what === 'stop') loading = false;
		else parentPort.postMessage(served);
	});
	await Promise.all(
		Array.from({length: LANES}, async () => {
			while (loading) if (await oneRequest(port)) served++;
		}),
	);
	parentPort.postMessage(served);
}

/**
 * Key latency and the TUI's memory in --live while a load runs as fast as the server serves
 * (LANES connections, each a new request the moment the last is answered), not in bursts.
 */
export async function unpacedKeys(tmp, presses = 60, cli = CLI) {
	const port = await freePort();
	const session = spawn(cli, ['--live', '--bind', `127.0.0.1:${port}`, '--reset'], tmp);
	const {tabs, screen, until} = watch(session);
	let load;
	let served = 0;
	let peakRss = 0;
	const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(session.child.pid))), 100);
	try {
		await until(() => (screen().match(/^\s+\d+\s+idle/gm) ?? []).length === 2);
		load = unpacedLoad(port);
		await sleep(3000); // the load and the TUI settle in
		const cpuBefore = cpuMs(session.child.pid);
		const servedBefore = await load.served();
		const latencies = [];
		for (let i = 0; i < presses; i++) {
			const [key, marker] = i % 2 === 0 ? ['1', '[1 Flow]'] : ['9', '[9 Live]'];
			const pressed = performance.now();
			session.child.write(key);
			latencies.push((await until(() => tabs().includes(marker))) - pressed);
			await sleep(50 + Math.random() * 100);
		}
		const servedDuring = (await load.served()) - servedBefore;
		const cpuPerThousand = ((cpuMs(session.child.pid) - cpuBefore) / servedDuring) * 1000;
		served = await load.stop();
		return {latencies, served, peakRss, cpuPerThousand};
	} finally {
		await load?.stop();
		clearInterval(sampler);
		session.child.write('q');
		const exited = await Promise.race([session.exited, sleep(8000).then(() => undefined)]);
		if (!exited) session.child.kill('SIGKILL');
	}
}

export async function run() {
	const tmp = mkdtempSync(join(tmpdir(), 'gw-bench-server-'));
	try {
		const {ours, gthread, plain, failed} = await throughput(tmp);
		const ratio = ours / plain;
		const gthreadRatio = gthread / plain;
		const serveSlow = args => startServer(CLI, ['serve', ...args, '--bind', '127.0.0.1:0'], listening);
		const threaded = await slowViews(await serveSlow([...GTHREAD, '--workers', '2']));
		const sync = await slowViews(await serveSlow(['--workers', '2']));
		const gunicorn = startGunicorn();
		const real = gunicorn && (await slowViews(await gunicorn));
		const {latencies, served} = await liveKeys(tmp);
		const unpaced = await unpacedKeys(tmp);
		const row = (metric, value, unit, goal, ok) => ({section: 'server', metric, value, unit, goal, ok});
		const ms = x => Math.round(x * 10) / 10;
		const s = x => Math.round(x * 100) / 100;
		return [
			row(
				`serve --workers 2, requests/s (median of ${ROUNDS} x ${RUN_MS / 1000} s, ${LANES} connections)`,
				Math.round(ours),
				'req/s',
				'',
				true,
			),
			row(
				'node:cluster hello server, 2 workers, requests/s (same runs, alternating)',
				Math.round(plain),
				'req/s',
				'',
				true,
			),
			row('serve vs node:cluster', Math.round(ratio * 100) / 100, 'x', '>= 0.8', ratio >= 0.8),
			row(
				'serve --worker-class gthread --threads 4 --workers 2, requests/s (same runs)',
				Math.round(gthread),
				'req/s',
				'',
				true,
			),
			row(
				'serve gthread vs node:cluster',
				Math.round(gthreadRatio * 100) / 100,
				'x',
				'>= 0.8',
				gthreadRatio >= 0.8,
			),
			row('failed requests in those runs', failed, '', '0', failed === 0),
			row(
				`8 concurrent /slow?s=1, gthread 4 threads x 2 workers: until the last answer, median ` +
					`of ${SLOW_ROUNDS}`,
				s(threaded.median),
				's',
				'<= 1.5',
				threaded.median <= 1.5 && !threaded.failed,
			),
			row(
				'8 concurrent /slow?s=1, gthread 4 threads x 2 workers: best round',
				s(threaded.best),
				's',
				'',
				!threaded.failed,
			),
			row(
				`8 concurrent /slow?s=1, sync, 2 workers: median of ${SLOW_ROUNDS}`,
				s(sync.median),
				's',
				'',
				!sync.failed,
			),
			...(real
				? [
						row(
							`8 concurrent /slow?s=1, real Gunicorn gthread 4 x 2 (Django): median / best ` +
								`of ${SLOW_ROUNDS}`,
							`${s(real.median)} / ${s(real.best)}`,
							's',
							'',
							!real.failed,
						),
					]
				: []),
			row(
				`--live key to screen during bursts of 200, median (${latencies.length} keys, ${served} requests ` +
					`served)`,
				ms(median(latencies)),
				'ms',
				'<= 50',
				median(latencies) <= 50,
			),
			row(
				'--live key to screen during bursts, p99',
				ms(quantile(latencies, 0.99)),
				'ms',
				'<= 150',
				quantile(latencies, 0.99) <= 150,
			),
			row(
				`--live key to screen under an unpaced load, median ` +
					`(${unpaced.latencies.length} keys, ${LANES} connections, ${unpaced.served} requests served)`,
				ms(median(unpaced.latencies)),
				'ms',
				'<= 50',
				median(unpaced.latencies) <= 50,
			),
			row(
				'--live key to screen under an unpaced load, p99',
				ms(quantile(unpaced.latencies, 0.99)),
				'ms',
				'<= 150',
				quantile(unpaced.latencies, 0.99) <= 150,
			),
			row('--live TUI peak RSS under that load', ms(unpaced.peakRss), 'MB', '<= 120', unpaced.peakRss <= 120),
			row(
				'--live TUI CPU time per 1,000 requests served under that load',
				ms(unpaced.cpuPerThousand),
				'ms',
				'',
				true,
			),
		];
	} finally {
		rmSync(tmp, {recursive: true, force: true});
	}
}

if (!isMainThread) await runLanes(workerData);
else if (process.argv[1] === fileURLToPath(import.meta.url)) {
	// `node bench/server.mjs [ROUNDS] [OTHER/cli.js ...]`: the unpaced figure alone, ROUNDS times; with other
	// builds, side by side (alternating, so a noisy spell on the shared machine falls on both).
	const rounds = Number(process.argv[2] ?? 1);
	const clis = [CLI, ...process.argv.slice(3)];
	const tmp = mkdtempSync(join(tmpdir(), 'gw-bench-server-'));
	const runs = new Map(clis.map(cli => [cli, []]));
	for (let i = 0; i < rounds; i++)
		for (const cli of clis) {
			const {latencies, served, peakRss, cpuPerThousand} = await unpacedKeys(tmp, 60, cli);
			const figures = {
				median: median(latencies),
				p99: quantile(latencies, 0.99),
				served,
				peakRss,
				cpuPerThousand,
			};
			runs.get(cli).push(figures);
			console.log(cli, JSON.stringify(figures));
		}
	for (const [cli, rs] of runs) {
		const of = key => Math.round(median(rs.map(r => r[key])) * 10) / 10;
		console.log(
			`${cli}: medians of ${rs.length} runs: median ${of('median')} ms, p99 ${of('p99')} ms, ` +
				`RSS ${of('peakRss')} MB, CPU ${of('cpuPerThousand')} ms / 1,000 requests`,
		);
	}
	rmSync(tmp, {recursive: true, force: true});
}
