// The labs' figures, on our server in a real pty at 80x24: how soon a lab's reveal is on screen
// after the event that completes it, and key to screen while the queueing, accept and max-requests
// labs' requests are in flight. Event times are taken from outside, so each figure is an upper bound:
// respawn's from the fresh worker's fork seen in /proc (its ready comes later), queueing's from the key
// press plus the last answer's latency the reveal prints (the requests go after the press).
import {existsSync, readdirSync, readFileSync} from 'node:fs';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import xterm from '@xterm/headless';
import {quantile, spawn} from './walkthrough.mjs';

const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const RUNS = 5;
const sleep = ms => new Promise(resolve => setTimeout(resolve, ms));

/** A pty session with its screen: waits are on what the screen shows. */
function open(lab, tmp) {
	const s = spawn(CLI, ['--lab', lab, '--bind', '127.0.0.1:0', '--reset'], tmp);
	s.term = new xterm.Terminal({cols: 80, rows: 24, allowProposedApi: true});
	s.checks = new Set();
	s.listeners.add(data => s.term.write(data, () => s.checks.forEach(c => c())));
	return s;
}
const screen = s => {
	const b = s.term.buffer.active;
	let text = '';
	for (let y = 0; y < s.term.rows; y++) text += `${b.getLine(b.viewportY + y)?.translateToString(true) ?? ''}\n`;
	return text;
};
/** Resolves with the time the screen first satisfies `ok`. */
function until(s, ok, timeoutMs = 30_000) {
	return new Promise((resolve, reject) => {
		if (ok(screen(s))) return resolve(performance.now());
		const timer = setTimeout(
			() => (s.checks.delete(check), reject(new Error(`bench: labs timed out; screen:\n${screen(s)}`))),
			timeoutMs,
		);
		const check = () => {
			if (!ok(screen(s))) return;
			clearTimeout(timer);
			s.checks.delete(check);
			resolve(performance.now());
		};
		s.checks.add(check);
	});
}
async function quit(s) {
	s.child.write('q');
	if (!(await Promise.race([s.exited, sleep(8000).then(() => undefined)]))) s.child.kill('SIGKILL');
}
/** The master's pid and its idle workers, read on the Live panel; then back to the lab. */
async function ready(s, workers) {
	await until(s, t => t.includes('Setup: '));
	s.child.write('9');
	await until(s, t => [...t.matchAll(/^\s+\d+\s+idle\s/gm)].length >= workers);
	const master = Number(/master pid (\d+)/.exec(screen(s))[1]);
	s.child.write('L');
	await until(s, t => t.includes('Setup: '));
	return master;
}
const children = ppid =>
	readdirSync('/proc')
		.filter(d => /^\d+$/.test(d))
		.filter(d => {
			try {
				return Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${d}/status`, 'utf8'))[1]) === ppid;
			} catch {
				return false;
			}
		})
		.map(Number);

async function respawnReveal(tmp) {
	const s = open('respawn', tmp);
	const master = await ready(s, 2);
	const before = children(master);
	s.child.write('c');
	s.child.write('k');
	let forked;
	while (forked === undefined) {
		if (children(master).some(p => !before.includes(p))) forked = performance.now();
		else await sleep(2);
	}
	const shown = await until(s, t => t.includes('Right.'));
	await quit(s);
	return shown - forked;
}

async function queueingReveal(tmp) {
	const s = open('queueing', tmp);
	await ready(s, 2);
	const pressed = performance.now();
	s.child.write('*');
	const shown = await until(s, t => /the last answer after [\d.]+ s/.test(t));
	const last = Number(/"?Latencies: ([\d., ]+) s/.exec(screen(s))?.[1].split(', ').at(-1)) * 1000;
	const bar = Math.max(...[...screen(s).matchAll(/█+ (\d\.\d\d) s/g)].map(m => Number(m[1]) * 1000));
	await quit(s);
	return shown - (pressed + Math.max(last || 0, bar || 0));
}

/** Switches panels (L and 3) while the lab's requests run; ms from each key to its tab on screen. */
async function keysDuring(lab, key, tmp) {
	const s = open(lab, tmp);
	await ready(s, 2);
	s.child.write(key);
	const latencies = [];
	const end = performance.now() + 2500;
	let on = 'L';
	while (performance.now() < end) {
		on = on === 'L' ? '3' : 'L';
		const tab = on === 'L' ? '[L Labs]' : '[3 Table]';
		const pressed = performance.now();
		s.child.write(on);
		latencies.push((await until(s, t => t.split('\n')[1].includes(tab), 5000)) - pressed);
		await sleep(40);
	}
	await quit(s);
	return latencies;
}

export async function run() {
	const tmp = mkdtempSync(join(tmpdir(), 'gw-bench-labs-'));
	try {
		if (!existsSync(CLI)) throw new Error('bench: build first (npm run bench does)');
		const respawn = [];
		const queueing = [];
		for (let i = 0; i < RUNS; i++) {
			respawn.push(await respawnReveal(tmp));
			queueing.push(await queueingReveal(tmp));
		}
		const keys = {};
		for (const [lab, key] of [
			['queueing', '*'],
			['accept', 'w'],
			['max-requests', 'w'],
		])
			keys[lab] = await keysDuring(lab, key, tmp);
		const ms = x => Math.round(x * 10) / 10;
		const row = (metric, value, goal, ok) => ({section: 'labs', metric, value: ms(value), unit: 'ms', goal, ok});
		return [
			row(`respawn: fork seen to reveal on screen, median of ${RUNS}`, quantile(respawn, 0.5), '', true),
			row(`queueing: last answer to reveal on screen, median of ${RUNS}`, quantile(queueing, 0.5), '', true),
			row(
				`respawn: fork seen to reveal on screen, max of ${RUNS}`,
				Math.max(...respawn),
				'<= 200',
				Math.max(...respawn) <= 200,
			),
			row(
				`queueing: last answer to reveal on screen, max of ${RUNS}`,
				Math.max(...queueing),
				'<= 200',
				Math.max(...queueing) <= 200,
			),
			...Object.entries(keys).map(([lab, l]) =>
				row(
					`key to screen during the ${lab} lab's requests, p99 (${l.length} keys)`,
					quantile(l, 0.99),
					'<= 100',
					quantile(l, 0.99) <= 100,
				),
			),
		];
	} finally {
		rmSync(tmp, {recursive: true, force: true});
	}
}
