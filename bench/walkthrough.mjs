// The walkthrough's figures, each measured side by side in this run (the machine is shared):
// first frame against the floor app, key latency, bytes per step, idle CPU, peak RSS.
import {existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import pty from 'node-pty';
import xterm from '@xterm/headless';
import {bundle} from '../source/build/bundle.mjs';
import {INK} from '../source/build/patches/versions.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const CLI = join(root, 'dist/cli.js');
const FIRST_FRAME_RUNS = 15; // per app, alternating
const KEY_ROUNDS = 3; // each round: 8 steps forward, 8 back
const COLS = 80;
const ROWS = 24;

const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));
export const median = xs => quantile(xs, 0.5);
export function quantile(xs, q) {
	const s = [...xs].sort((a, b) => a - b);
	return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}

/** A child in a real pty at 80x24 with no CI variables, fresh progress, its output timed. */
export function spawn(file, args = [], tmp, extraEnv = {}) {
	const env = {
		...process.env,
		TERM: 'xterm-256color',
		XDG_CONFIG_HOME: mkdtempSync(join(tmp, 'config-')),
		...extraEnv,
	};
	for (const key of Object.keys(env))
		if (key === 'CI' || key.startsWith('CI_') || key === 'GITHUB_ACTIONS') delete env[key];
	const started = performance.now();
	const child = pty.spawn(process.execPath, [file, ...args], {name: 'xterm-256color', cols: COLS, rows: ROWS, env});
	const session = {child, started, output: '', lastData: started, listeners: new Set()};
	child.onData(data => {
		session.output += data;
		session.lastData = performance.now();
		for (const listener of session.listeners) listener(data);
	});
	session.exited = new Promise(resolve => child.onExit(resolve));
	return session;
}

/** Resolves when `text` has been written (since output offset `from`). */
function waitFor(session, text, from = 0, timeoutMs = 15_000) {
	const seen = () => session.output.indexOf(text, from) !== -1;
	return new Promise((resolve, reject) => {
		if (seen()) return resolve(performance.now());
		const timer = setTimeout(() => {
			session.listeners.delete(check);
			reject(new Error(`bench: timed out waiting for ${text}`));
		}, timeoutMs);
		const check = () => {
			if (!seen()) return;
			clearTimeout(timer);
			session.listeners.delete(check);
			resolve(performance.now());
		};
		session.listeners.add(check);
	});
}

/** Resolves once nothing has been written for `quietMs`. */
async function settle(session, quietMs = 150) {
	while (performance.now() - session.lastData < quietMs) await sleep(quietMs / 3);
}

async function quit(session) {
	session.child.write('q');
	const exited = await Promise.race([session.exited, sleep(3000).then(() => undefined)]);
	if (!exited) session.child.kill('SIGKILL');
}

/** Spawn to `Step 1/9` written (the first frame is drawn whole), and peak RSS by then. */
async function firstFrame(file, tmp, rss = [], env = {}) {
	const session = spawn(file, [], tmp, env);
	const at = await waitFor(session, 'Step 1/9');
	await settle(session, 100);
	rss.push(peakRssMb(session.child.pid));
	await quit(session);
	return at - session.started;
}

async function screenText(term) {
	await new Promise(resolve => term.write('', resolve));
	const buffer = term.buffer.active;
	const rows = [];
	for (let y = 0; y < term.rows; y++) rows.push(buffer.getLine(buffer.viewportY + y)?.translateToString(true) ?? '');
	return rows.join('\n');
}

/** Steps 1 -> 9 -> 1, KEY_ROUNDS times: per key, ms to the first byte and bytes until quiet. */
async function stepThrough(session, checkScreen) {
	const term = new xterm.Terminal({cols: COLS, rows: ROWS, allowProposedApi: true});
	session.listeners.add(data => term.write(data));
	await waitFor(session, 'Step 1/9');
	await settle(session);
	const latencies = [];
	const bytes = [];
	for (let round = 0; round < KEY_ROUNDS; round++) {
		for (const key of ['n', 'p']) {
			for (let i = 0; i < 8; i++) {
				const before = session.output.length;
				let first;
				const onFirst = () => {
					first ??= performance.now();
				};
				session.listeners.add(onFirst);
				const pressed = performance.now();
				session.child.write(key);
				while (first === undefined) await sleep(2);
				await settle(session);
				session.listeners.delete(onFirst);
				// Only changed cells are written: read the step off the screen, as a person would.
				const want = `Step ${key === 'n' ? i + 2 : 8 - i}/9`;
				if (checkScreen && !(await screenText(term)).includes(want))
					throw new Error(`bench: the screen does not show ${want}`);
				latencies.push(first - pressed);
				bytes.push(Buffer.byteLength(session.output.slice(before)));
			}
		}
	}
	return {latencies, bytes};
}

/** CPU time (ms) a process has used, from /proc: utime + stime in clock ticks (100 a second). */
function cpuMs(pid) {
	const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
	return (Number(fields[11]) + Number(fields[12])) * 10;
}
const peakRssMb = pid => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]) / 1024;

export async function run() {
	const tmp = mkdtempSync(join(tmpdir(), 'gw-bench-'));
	try {
		if (!existsSync(CLI)) await bundle();
		const floorDir = join(tmp, 'floor');
		await bundle({entry: join(root, 'bench/floor.tsx'), outdir: floorDir});
		// As an installed package, ours: a package.json saying ESM, or Node first tries the floor as CommonJS.
		writeFileSync(join(floorDir, 'package.json'), '{"type": "module"}\n');
		const floor = join(floorDir, 'cli.js');

		// First frame: alternate the two apps so drift in the machine's load hits both.
		await firstFrame(CLI, tmp);
		// The bin turns on Node's compile cache; the floor, as a minimal Ink app, does not: it is
		// also timed with the cache (NODE_COMPILE_CACHE), so both comparisons are in the table.
		const cached = {NODE_COMPILE_CACHE: join(tmp, 'floor-compile-cache')};
		await firstFrame(floor, tmp); // warm the file cache for both
		await firstFrame(floor, tmp, [], cached);
		const ours = [];
		const theirs = [];
		const theirsCached = [];
		const oursRss = [];
		const theirRss = [];
		for (let i = 0; i < FIRST_FRAME_RUNS; i++) {
			ours.push(await firstFrame(CLI, tmp, oursRss));
			theirs.push(await firstFrame(floor, tmp, theirRss));
			theirsCached.push(await firstFrame(floor, tmp, [], cached));
		}
		const ratio = median(ours) / median(theirs);
		const ratioCached = median(ours) / median(theirsCached);

		// Keys: one session, steps forward and back; latency to the first byte, bytes to settle.
		const session = spawn(CLI, [], tmp);
		const {latencies, bytes} = await stepThrough(session, true);

		// The same steps with Ink and its dependencies as published (no source/build/patches.mjs):
		// what the patches save. Only bytes are counted (a narrower resize would leave debris).
		const stockDir = join(tmp, 'stock');
		await bundle({outdir: stockDir, patch: false});
		const stock = spawn(join(stockDir, 'cli.js'), [], tmp);
		const stockBytes = (await stepThrough(stock, false)).bytes;
		await quit(stock);

		// Visit every panel once so the peak memory covers them all (the ten tabs of the walkthrough).
		for (const panel of ['2', '3', '4', '5', '6', '7', '8', '9', 'L', '1']) {
			session.child.write(panel);
			await settle(session);
		}

		// Idle: no input for 5 s; count CPU time and anything written.
		await sleep(1000);
		const pid = session.child.pid;
		const cpuBefore = cpuMs(pid);
		const writtenBefore = session.output.length;
		await sleep(5000);
		const idleCpu = cpuMs(pid) - cpuBefore;
		const idleBytes = session.output.length - writtenBefore;
		const rss = peakRssMb(pid);
		await quit(session);

		const row = (metric, value, unit, goal, ok) => ({section: 'walkthrough', metric, value, unit, goal, ok});
		const ms = x => Math.round(x * 10) / 10;
		return [
			row('first frame, walkthrough (median of 15)', ms(median(ours)), 'ms', '', true),
			row('first frame, floor Ink app (median of 15)', ms(median(theirs)), 'ms', '', true),
			row('first frame vs floor', Math.round(ratio * 100) / 100, 'x', '<= 1.2 (aim 1.0)', ratio <= 1.2),
			row('  the floor with the compile cache too (median of 15)', ms(median(theirsCached)), 'ms', '', true),
			row('  first frame vs that floor', Math.round(ratioCached * 100) / 100, 'x', '', true),
			row(
				`key to first byte, median (${latencies.length} steps)`,
				ms(median(latencies)),
				'ms',
				'<= 16',
				median(latencies) <= 16,
			),
			row(
				'key to first byte, p99',
				ms(quantile(latencies, 0.99)),
				'ms',
				'<= 50',
				quantile(latencies, 0.99) <= 50,
			),
			row('bytes per step change at 80x24, median', median(bytes), 'B', '<= 1100', median(bytes) <= 1100),
			row('bytes per step change at 80x24, max', Math.max(...bytes), 'B', '<= 1500', Math.max(...bytes) <= 1500),
			row(`  the same with stock ${INK} (unpatched), median`, median(stockBytes), 'B', '', true),
			row('idle CPU over 5 s', idleCpu, 'ms', '0', idleCpu === 0),
			row('bytes written while idle (5 s)', idleBytes, 'B', '0', idleBytes === 0),
			row('peak RSS after 48 steps and all ten panels', Math.round(rss * 10) / 10, 'MB', '<= 80', rss <= 80),
			row('  at the first frame, walkthrough (median)', Math.round(median(oursRss) * 10) / 10, 'MB', '', true),
			row('  at the first frame, floor Ink app (median)', Math.round(median(theirRss) * 10) / 10, 'MB', '', true),
		];
	} finally {
		rmSync(tmp, {recursive: true, force: true});
	}
}
