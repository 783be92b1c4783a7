// The workshop's figures on this machine: 50 concurrent attendees (ssh2 clients with a pty, in
// this process) on the built server, memory per session, and key latency while all 50 step.
import {existsSync, mkdtempSync, readFileSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import pty from 'node-pty';
import xterm from '@xterm/headless';
import {bundle} from '../source/build/bundle.mjs';
import {CLI, connectAttendee, interactiveEnv, rssMb, sleep, startWorkshop, whenShown} from './attendees.mjs';
import {median, quantile} from './walkthrough.mjs';

const SESSIONS = Number(process.env.WORKSHOP_SESSIONS) || 50;
const STEPS = 8; // each attendee steps 1 -> 9
const PAUSE_MS = [150, 450]; // between one attendee's key presses: a busy room, not a flood
const CONNECT_BATCH = 10; // key exchanges at once (the clients share this machine's cores)

/** The workshop without a terminal of its own, on a free port. */
const startRoom = config => startWorkshop(config, ['--max-sessions', String(SESSIONS + 5)], 20_000);

/** The header line of a terminal emulator's screen. */
const headerOf = term => () => term.buffer.active.getLine(term.buffer.active.viewportY)?.translateToString(true) ?? '';

/**
 * One attendee: an ssh2 client with an 80x24 pty whose output feeds a terminal emulator (Ink
 * redraws only the cells that change, so the step shows on the screen, not in the bytes).
 */
async function attend(port, name) {
	const term = new xterm.Terminal({cols: 80, rows: 24, allowProposedApi: true});
	const attendee = {name, term, waiters: new Set(), header: headerOf(term)};
	const onData = data => term.write(data, () => attendee.waiters.forEach(waiter => waiter()));
	return Object.assign(attendee, await connectAttendee(port, name, 60_000, onData, 'utf8'));
}

/** Resolves with the time the header line first shows `text`. */
const waitFor = (attendee, text, timeoutMs = 30_000) =>
	whenShown(attendee, () => attendee.header().includes(text), text, timeoutMs);

/** Steps one attendee through the lesson; each sample is key sent -> the new step on their screen. */
async function stepThrough(attendee) {
	const samples = [];
	for (let step = 2; step <= STEPS + 1; step++) {
		await sleep(PAUSE_MS[0] + Math.random() * (PAUSE_MS[1] - PAUSE_MS[0]));
		const sent = performance.now();
		attendee.channel.write('n');
		samples.push((await waitFor(attendee, `Step ${step}/9`)) - sent);
	}
	return samples;
}

/** The instructor: the workshop in a pty at 80x24, its screen through a terminal emulator. */
async function instructorInPty(config) {
	const env = interactiveEnv({TERM: 'xterm-256color', XDG_CONFIG_HOME: config});
	const child = pty.spawn(process.execPath, [CLI, 'workshop', '--port', '0'], {
		name: 'xterm-256color',
		cols: 80,
		rows: 24,
		env,
	});
	const term = new xterm.Terminal({cols: 80, rows: 24, allowProposedApi: true});
	const instructor = {
		child,
		term,
		waiters: new Set(),
		output: '',
		write: keys => child.write(keys),
		header: headerOf(term),
	};
	child.onData(data => {
		instructor.output += data;
		term.write(data, () => instructor.waiters.forEach(waiter => waiter()));
	});
	const deadline = Date.now() + 20_000;
	while (!/ssh -p (\d+)/.test(instructor.output)) {
		if (Date.now() > deadline) throw new Error(`bench: the workshop did not start: ${instructor.output}`);
		await sleep(50);
	}
	instructor.port = Number(/ssh -p (\d+)/.exec(instructor.output)[1]);
	await waitFor(instructor, 'Step 1/9');
	return instructor;
}

/**
 * One attendee floods (1 MB of input, or 5,000 window changes, before each sample) while another
 * attendee and the instructor step: their key to screen, n and p in turn.
 */
async function hostileRoom(config, samples = 20) {
	const instructor = await instructorInPty(config);
	const clients = [];
	try {
		const flooder = await attend(instructor.port, 'flooder');
		const other = await attend(instructor.port, 'other');
		clients.push(flooder, other);
		await Promise.all([waitFor(flooder, 'Step 1/9'), waitFor(other, 'Step 1/9')]);
		const megabyte = 'jk'.repeat(1 << 19);
		const floods = {
			input: () => flooder.channel.write(megabyte),
			resize: () => {
				for (let i = 0; i < 5000; i++) flooder.channel.setWindow(18 + (i % 30), 70 + (i % 60), 0, 0);
			},
		};
		const results = {};
		for (const [name, flood] of Object.entries(floods)) {
			for (const [who, target] of [
				['attendee', other],
				['instructor', instructor],
			]) {
				const latencies = [];
				for (let i = 0; i < samples; i++) {
					flood();
					const [key, step] = i % 2 === 0 ? ['n', 2] : ['p', 1];
					const sent = performance.now();
					(target.write ?? (k => target.channel.write(k)))(key);
					latencies.push((await waitFor(target, `Step ${step}/9`)) - sent);
					await sleep(100);
				}
				results[`${name} ${who}`] = latencies;
			}
		}
		return results;
	} finally {
		for (const c of clients) c.client.end();
		instructor.child.kill('SIGTERM');
	}
}

export async function run() {
	if (!existsSync(CLI)) await bundle();
	const config = mkdtempSync(join(tmpdir(), 'gw-bench-workshop-'));
	const {child, port} = await startRoom(config);
	const attendees = [];
	try {
		// Warm up with one session through every step (first renders, JIT, per-step views the
		// lesson caches), so the baseline holds only what all sessions share and latency is steady state.
		const warm = await attend(port, 'warmup');
		await waitFor(warm, 'Step 1/9');
		for (const [key, step] of [
			...Array.from({length: 8}, (_, i) => ['n', i + 2]),
			...Array.from({length: 8}, (_, i) => ['p', 8 - i]),
		]) {
			warm.channel.write(key);
			await waitFor(warm, `Step ${step}/9`);
		}
		warm.channel.write('q');
		await new Promise(resolve => warm.client.on('close', resolve).end());
		await sleep(500);
		const before = rssMb(child.pid);

		for (let i = 0; i < SESSIONS; i += CONNECT_BATCH) {
			const batch = await Promise.all(
				Array.from({length: Math.min(CONNECT_BATCH, SESSIONS - i)}, (_, j) =>
					attend(port, `attendee${i + j + 1}`),
				),
			);
			attendees.push(...batch);
		}
		await Promise.all(attendees.map(a => waitFor(a, 'Step 1/9')));
		await sleep(1000);
		const after = rssMb(child.pid);
		const perSession = (after - before) / SESSIONS;

		const latencies = (await Promise.all(attendees.map(stepThrough))).flat();
		const peak = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1]) / 1024;

		const row = (metric, value, unit, goal, ok) => ({section: 'workshop', metric, value, unit, goal, ok});
		const ms = x => Math.round(x * 10) / 10;
		const p99 = quantile(latencies, 0.99);
		const hostile = await hostileRoom(mkdtempSync(join(tmpdir(), 'gw-bench-hostile-')));
		const hostileRows = Object.entries(hostile).map(([name, xs]) => {
			const [flood, who] = name.split(' ');
			const q = quantile(xs, 0.99);
			return row(
				`${who === 'instructor' ? 'the instructor' : 'another attendee'}: key to screen p99 while one ` +
					`attendee sends ${flood === 'input' ? '1 MB of input' : '5,000 resizes'} before each key ` +
					`(${xs.length} keys)`,
				ms(q),
				'ms',
				'<= 100',
				q <= 100,
			);
		});
		return [
			...hostileRows,
			row(
				'concurrent attendee sessions (ssh2 clients, 80x24 pty)',
				attendees.length,
				'',
				`${SESSIONS}`,
				attendees.length === SESSIONS,
			),
			row(
				`memory per session (server RSS ${Math.round(before)} -> ${Math.round(after)} MB, / ${SESSIONS})`,
				ms(perSession),
				'MB',
				'< 10',
				perSession < 10,
			),
			row(
				`key to new step on screen, median (${latencies.length} keys; all ${SESSIONS} step, each ` +
					`every ${PAUSE_MS.join('-')} ms)`,
				ms(median(latencies)),
				'ms',
				'',
				true,
			),
			row(
				'key to new step on screen, p99, all stepping (after one warm-up walk through the steps)',
				ms(p99),
				'ms',
				'< 100',
				p99 < 100,
			),
			row('server peak RSS', ms(peak), 'MB', '', true),
		];
	} finally {
		for (const a of attendees) a.client.end();
		child.kill('SIGTERM');
		await new Promise(resolve => (child.exitCode !== null ? resolve() : child.once('exit', resolve)));
		rmSync(config, {recursive: true, force: true});
	}
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
	if (process.argv[2] === 'hostile') {
		const results = await hostileRoom(mkdtempSync(join(tmpdir(), 'gw-bench-hostile-')));
		for (const [name, xs] of Object.entries(results))
			console.log(name, 'median', median(xs).toFixed(1), 'p99', quantile(xs, 0.99).toFixed(1));
		process.exit(0);
	} else console.log(await run());
}
