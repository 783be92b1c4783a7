// The room on one shared server (issue 18): `workshop --live` with 150 attendees (ssh2 clients
// with an 80x24 pty, in this process) on its Table panel while the server serves a burst. Memory per
// attendee session, key to update p99 during the burst, one server event on every attendee's screen
// p99, bytes per attendee per event, and the server's requests per second against no attendees.
// Run alone: node bench/room.mjs (ROOM_SESSIONS=N for another room size).
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import http from 'node:http';
import {createServer} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {bundle} from '../source/build/bundle.mjs';
import {CLI, connectAttendee, rssMb, sleep, startWorkshop, whenShown} from './attendees.mjs';
import {median, quantile} from './walkthrough.mjs';

const SESSIONS = Number(process.env.ROOM_SESSIONS) || 150;
const CONNECT_BATCH = 10;
const LOAD_MS = 5000; // each measure of requests per second
const LOAD_CONNECTIONS = 8; // as a burst (b) sends them
const PROBES = 8; // single tagged requests, each looked for on every screen
const KEY_ATTENDEES = 30; // of them, these press keys during the burst
const KEYS_EACH = 4;
const REQUEST_EVENTS = 5; // accepted, wsgi, django, returned, sent

const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]/g;

function freePort() {
	return new Promise(resolve => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const {port} = server.address();
			server.close(() => resolve(port));
		});
	});
}

/** `workshop --live` serving on `httpPort`. */
const startRoom = (config, httpPort) =>
	startWorkshop(
		config,
		[
			'--live',
			'--max-sessions',
			String(SESSIONS + 5),
			'--bind',
			`127.0.0.1:${httpPort}`,
			'--graceful-timeout',
			'2',
		],
		30_000,
	);

/**
 * One attendee. Its output is read as text with the escapes stripped (150 terminal emulators would
 * cost this process more than the room it measures); Ink writes each changed line whole, so what a
 * screen newly shows is in the text since the last look.
 */
async function attend(port, name) {
	const a = {name, text: '', bytes: 0, waiters: new Set()};
	Object.assign(
		a,
		await connectAttendee(port, name, 120_000, data => {
			a.bytes += data.length;
			a.text = (a.text + data.toString('utf8').replace(ANSI, '')).slice(-16_384);
			for (const waiter of [...a.waiters]) waiter();
		}),
	);
	return a;
}

/** Resolves with when `text` shows in what the attendee was sent since `forget` (or the call). */
const shows = (a, text, timeoutMs = 30_000) => whenShown(a, () => a.text.includes(text), text, timeoutMs);

const forget = a => (a.text = '');
/**
 * A probe's name differs from the last one at its first and last character: the terminal line that shows it
 * is rewritten over its whole length (only the stretch of cells that changed is written: source/build/line-diff.mjs).
 */
const probe = k => `${k % 10}probe${k % 10}`;

function get(port, path) {
	return new Promise(resolve => {
		const req = http.get({host: '127.0.0.1', port, path, agent: false, headers: {Connection: 'close'}}, res => {
			res.resume();
			res.on('end', () => resolve(res.statusCode));
		});
		req.on('error', () => resolve(0));
	});
}

/** As many requests as LOAD_CONNECTIONS lanes get answered in LOAD_MS: requests per second. */
async function load(port) {
	const end = performance.now() + LOAD_MS;
	let ok = 0;
	const lane = async () => {
		while (performance.now() < end) if ((await get(port, '/')) === 200) ok++;
	};
	await Promise.all(Array.from({length: LOAD_CONNECTIONS}, lane));
	return ok / (LOAD_MS / 1000);
}

/** One attendee toggles Quiz and Table during the burst; each sample is key -> the panel on their screen. */
async function pressKeys(a) {
	const samples = [];
	for (let i = 0; i < KEYS_EACH; i++) {
		await sleep(150 + Math.random() * 300);
		const [key, text] = i % 2 === 0 ? ['6', 'Question 1/5'] : ['3', 'Action'];
		forget(a);
		const sent = performance.now();
		a.channel.write(key);
		samples.push((await shows(a, text)) - sent);
	}
	return samples;
}

export async function run() {
	if (!existsSync(CLI)) await bundle();
	const config = mkdtempSync(join(tmpdir(), 'gw-bench-room-'));
	const httpPort = await freePort();
	const {child, port} = await startRoom(config, httpPort);
	const attendees = [];
	try {
		// Warm-up: one session on the Table while requests arrive, then gone; and the server alone.
		const warm = await attend(port, 'warmup');
		await shows(warm, 'Workers wanted');
		warm.channel.write('3');
		await shows(warm, 'Action');
		await get(httpPort, '/?by=warm');
		await shows(warm, 'warm');
		warm.client.end();
		await load(httpPort);
		await sleep(1000);
		const alone = await load(httpPort);
		await sleep(500);
		const before = rssMb(child.pid);

		for (let i = 0; i < SESSIONS; i += CONNECT_BATCH) {
			const batch = await Promise.all(
				Array.from({length: Math.min(CONNECT_BATCH, SESSIONS - i)}, (_, j) => attend(port, `a${i + j + 1}`)),
			);
			attendees.push(...batch);
		}
		await Promise.all(attendees.map(a => shows(a, 'Workers wanted', 60_000)));
		for (const a of attendees) {
			forget(a);
			a.channel.write('3');
		}
		await Promise.all(attendees.map(a => shows(a, 'Action', 60_000)));
		await sleep(1500);
		const after = rssMb(child.pid);
		const perSession = (after - before) / SESSIONS;

		// One tagged request at a time, with the room quiet: when it shows on every screen, and what it cost in bytes.
		const reach = [];
		const bytes = [];
		for (let k = 1; k <= PROBES; k++) {
			await sleep(400);
			const sentBefore = attendees.reduce((sum, a) => sum + a.bytes, 0);
			attendees.forEach(forget);
			const t0 = performance.now();
			const seen = Promise.all(attendees.map(a => shows(a, probe(k))));
			await get(httpPort, `/?by=${probe(k)}`);
			for (const at of await seen) reach.push(at - t0);
			await sleep(400); // the last of its frames
			bytes.push((attendees.reduce((sum, a) => sum + a.bytes, 0) - sentBefore) / attendees.length);
		}

		// The burst, with every attendee attached and some of them pressing keys meanwhile.
		const keyed = attendees.slice(0, KEY_ATTENDEES);
		const [attached, keys] = await Promise.all([load(httpPort), Promise.all(keyed.map(pressKeys))]);
		const latencies = keys.flat();
		const peak = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;

		const row = (metric, value, unit, goal, ok) => ({section: 'room', metric, value, unit, goal, ok});
		const ms = x => Math.round(x * 10) / 10;
		const keyP99 = quantile(latencies, 0.99);
		const reachP99 = quantile(reach, 0.99);
		const perRequest = median(bytes);
		const ratio = attached / alone;
		return [
			row(
				`attendees on one shared --live server (ssh2 clients, 80x24, Table panel)`,
				attendees.length,
				'',
				`${SESSIONS}`,
				attendees.length === SESSIONS,
			),
			row(
				`memory per attendee session (workshop RSS ${Math.round(before)} -> ${Math.round(after)} MB, ` +
					`/ ${SESSIONS})`,
				ms(perSession),
				'MB',
				'<= 2',
				perSession <= 2,
			),
			row(
				`key to update on screen during the burst, median (${latencies.length} keys, ` +
					`${KEY_ATTENDEES} attendees)`,
				ms(median(latencies)),
				'ms',
				'',
				true,
			),
			row('key to update on screen during the burst, p99', ms(keyP99), 'ms', '<= 100', keyP99 <= 100),
			row(
				`one request's events on every attendee's screen, median (${PROBES} requests x ${SESSIONS})`,
				ms(median(reach)),
				'ms',
				'',
				true,
			),
			row("one request's events on every attendee's screen, p99", ms(reachP99), 'ms', '<= 250', reachP99 <= 250),
			row(
				`bytes sent per attendee per request (${REQUEST_EVENTS} events), median`,
				Math.round(perRequest),
				'B',
				'',
				true,
			),
			row('bytes sent per attendee per event', Math.round(perRequest / REQUEST_EVENTS), 'B', '', true),
			row(
				`server requests/s, no attendees (${LOAD_CONNECTIONS} connections, ${LOAD_MS / 1000} s)`,
				Math.round(alone),
				'req/s',
				'',
				true,
			),
			row(`server requests/s with ${SESSIONS} attendees attached`, Math.round(attached), 'req/s', '', true),
			row('  with attendees vs without', Math.round(ratio * 100) / 100, 'x', '>= 0.5', ratio >= 0.5),
			row('workshop peak RSS', ms(peak), 'MB', '', true),
		];
	} finally {
		for (const a of attendees) a.client.end();
		child.kill('SIGTERM');
		await new Promise(resolve => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
		rmSync(config, {recursive: true, force: true});
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	for (const r of await run())
		console.log(
			`${r.metric}: ${r.value} ${r.unit}${r.goal ? ` (goal ${r.goal}: ${r.ok ? 'met' : 'NOT met'})` : ''}`,
		);
	process.exit(0);
}
