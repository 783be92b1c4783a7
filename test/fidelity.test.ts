// Our server against real Gunicorn 20.1: the same flags, the same scenario, both run. Their
// normalised logs and event sequences must agree, but for the differences docs/fidelity.md
// lists (this test reads that table). Skips, saying why, when Gunicorn or Django is missing,
// unless GUNICORN_REQUIRED=1.
import {spawn, type ChildProcess} from 'node:child_process';
import {readFileSync} from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import process from 'node:process';
import readline from 'node:readline';
import type {Readable} from 'node:stream';
import {afterEach, describe, expect, test} from 'vitest';
import type {ServerOptions} from '../source/cli/args';
import {findGunicorn} from '../source/gunicorn/find';
import {gunicornArgs, projectDir} from '../source/gunicorn/source';
import {parseEvent, type LifecycleEvent} from '../source/lifecycle/events';
import {versionNote} from '../source/lifecycle/describe';
import {initialState, liveWorkers, reduceAll} from '../source/lifecycle/machine';
import {liveView} from '../source/ui/view';
import {buildLesson} from '../source/lesson/lesson';
import {childEnv, CLI, until} from './support/terminal';
import {testServer} from './support/server-options';

const found = await findGunicorn();
const missing = 'error' in found ? found.error : undefined;
const required = process.env.GUNICORN_REQUIRED === '1';
if (missing && !required) console.warn(`fidelity tests skipped: ${missing}`);

type Side = 'ours' | 'gunicorn';

/** One row of docs/fidelity.md's "Allowed differences". */
interface Allowed {
	scenarios: string[] | '*';
	side: Side | 'both';
	pattern: RegExp;
	becomes?: string; // undefined: the line may be absent
}

function allowedDifferences(
	markdown = readFileSync(new URL('../docs/fidelity.md', import.meta.url), 'utf8'),
): Allowed[] {
	const section = markdown.split(/^## /m).find(s => s.startsWith('Allowed differences'));
	if (!section) throw new Error('docs/fidelity.md has no "Allowed differences" section');
	const code = (cell: string) => /^`(.*)`$/.exec(cell)?.[1];
	return section
		.split('\n')
		.filter(line => line.startsWith('|') && !/^\|\s*(scenarios|---)/.test(line))
		.map(line => {
			const cells = line
				.slice(1, -1)
				.split(/(?<!\\)\|/)
				.map(cell => cell.trim().replace(/\\\|/g, '|'));
			const [scenarios, side, pattern, replacement] = cells;
			const becomes = code(replacement) ?? replacement;
			if (!code(pattern) || !['ours', 'gunicorn', 'both'].includes(side))
				throw new Error(`bad row in docs/fidelity.md: ${line}`);
			return {
				scenarios: scenarios === '*' ? '*' : scenarios.split(',').map(s => s.trim()),
				side: side as Allowed['side'],
				pattern: new RegExp(code(pattern)!),
				becomes: becomes === '(may be absent)' ? undefined : becomes,
			};
		});
}

const options = testServer;

/** Our `serve` command line for the same options as gunicornArgs gives Gunicorn. */
function ourArgs(o: ServerOptions): string[] {
	const args = [
		'serve',
		'--workers',
		String(o.workers),
		'--bind',
		o.bind,
		'--timeout',
		String(o.timeout),
		'--graceful-timeout',
		String(o.gracefulTimeout),
		'--events',
		'json',
	];
	if (o.maxRequests) args.push('--max-requests', String(o.maxRequests));
	return args;
}

interface Answer {
	status?: number;
	body: string;
}

/** One server run: its log lines (with tracebacks folded into their record) and its events. */
class Run {
	readonly child: ChildProcess;
	readonly events: LifecycleEvent[] = [];
	readonly records: string[] = [];
	exit?: {code: number | null; signal: NodeJS.Signals | null};
	readonly exited: Promise<void>;

	constructor(
		readonly side: Side,
		o: ServerOptions,
		env: Record<string, string>,
	) {
		if (side === 'ours') {
			this.child = spawn(process.execPath, [CLI, ...ourArgs(o)], {
				env: childEnv(env),
				stdio: ['ignore', 'pipe', 'pipe'],
				detached: true,
			});
		} else {
			const python = (found as {python: string}).python;
			const gunicornEnv = {
				...env,
				GW_EVENTS_FD: '3',
				DJANGO_SETTINGS_MODULE: 'myproject.settings',
				GUNICORN_CMD_ARGS: '',
				PYTHONUNBUFFERED: '1',
				PYTHONDONTWRITEBYTECODE: '1',
			};
			const args = ['-m', 'gunicorn', ...gunicornArgs(o)];
			// gunicornArgs leaves Gunicorn's defaults out; ours always names them: the same settings.
			this.child = spawn(python, args, {
				env: childEnv(gunicornEnv),
				cwd: projectDir(),
				stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
				detached: true,
			});
		}
		const eventStream = (side === 'ours' ? this.child.stdout : this.child.stdio[3]) as Readable;
		readline.createInterface({input: eventStream}).on('line', line => {
			const parsed = parseEvent(line);
			if ('event' in parsed) this.events.push(parsed.event);
		});
		readline.createInterface({input: this.child.stderr!}).on('line', line => {
			// A line that does not start a record ("[time] [pid]" or Django's "[django]") continues the last one.
			if (/^\[(\d{4}-|django\])/.test(line) || this.records.length === 0) this.records.push(line);
			else this.records[this.records.length - 1] += `\n${line}`;
		});
		this.exited = new Promise(resolve =>
			this.child.on('close', (code, signal) => {
				this.exit = {code, signal};
				resolve();
			}),
		);
	}

	get master(): number {
		return (
			(this.events.find(e => e.type === 'master.starting') as {pid: number} | undefined)?.pid ?? this.child.pid!
		);
	}
	get port(): number {
		const bound = this.events.find(e => e.type === 'socket.bound') as {address: string} | undefined;
		return Number(bound?.address.split(':').pop());
	}
	state() {
		return reduceAll(initialState, this.events);
	}
	ready(): number[] {
		return liveWorkers(this.state())
			.filter(w => w.state === 'idle' || w.state === 'busy')
			.map(w => w.pid);
	}
	busy(): number[] {
		return liveWorkers(this.state())
			.filter(w => w.state === 'busy')
			.map(w => w.pid);
	}
	/** A request is inside its view (Django called it): the worker is well and truly busy. */
	inView(): boolean {
		return Object.values(this.state().requests).some(r => r.phase === 'django');
	}
	has(test: (e: LifecycleEvent) => boolean): boolean {
		return this.events.some(test);
	}
	exitedWorker(pid: number): boolean {
		return this.has(e => e.type === 'worker.exited' && e.pid === pid);
	}
	signal(sig: NodeJS.Signals, pid = this.master): void {
		process.kill(pid, sig);
	}
	async wait(what: string, probe: () => boolean, ms = 30_000): Promise<void> {
		await until(
			`${this.side}: ${what}`,
			() => {
				if (probe()) return true;
				if (this.exit)
					throw new Error(`${this.side} exited while waiting for ${what}:\n${this.records.join('\n')}`);
				return false;
			},
			ms,
		);
	}
	async started(workers: number): Promise<void> {
		await this.wait(`${workers} ready workers`, () => this.ready().length === workers);
	}
	get(path = '/'): Promise<Answer> {
		return new Promise(resolve => {
			const req = http.get({host: '127.0.0.1', port: this.port, path, agent: false}, res => {
				let body = '';
				res.setEncoding('utf8').on('data', chunk => (body += chunk));
				res.on('end', () => resolve({status: res.statusCode, body}));
				res.on('error', () => resolve({status: res.statusCode, body}));
			});
			req.on('error', () => resolve({body: ''}));
		});
	}
	kill(): void {
		try {
			process.kill(-this.child.pid!, 'SIGKILL');
		} catch {
			// already gone
		}
	}

	/** The log, normalised: no times, M / W for pids, PORT, a traceback as its exception. */
	normalisedLog(scenario: string, allowed: Allowed[]): string[] {
		const workers = new Set(this.events.flatMap(e => (e.type === 'worker.forked' ? [e.pid] : [])));
		const rules = allowed.filter(
			a => (a.side === 'both' || a.side === this.side) && (a.scenarios === '*' || a.scenarios.includes(scenario)),
		);
		const lines: string[] = [];
		for (const record of this.records) {
			const [first, ...rest] = record.split('\n');
			let line = first.replace(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4}\] /, '');
			const exception = rest.filter(l => !/^(Traceback |\s)/.test(l)).at(-1);
			if (exception) line += ` | ${exception.replace(/^([a-z_]\w*\.)+(?=[A-Z])/, '')}`;
			const own = /^\[(\d+)\]/.exec(first)?.[1]; // the pid that logged it
			line = line.replace(new RegExp(`:${this.port}\\b`, 'g'), ':PORT').replace(/\b\d+\b/g, n => {
				if (Number(n) === this.master) return 'M';
				return workers.has(Number(n)) || n === own ? 'W' : n;
			});
			if (!/^\[(M|W|django)\]/.test(line)) line = `[W] ${line}`; // a worker's pid we never saw forked
			for (const rule of rules) {
				if (!rule.pattern.test(line)) continue;
				line = rule.becomes === undefined ? '' : line.replace(rule.pattern, rule.becomes);
			}
			if (line) lines.push(line);
		}
		return lines;
	}
}

/** Master lines in order; worker lines as a sorted list of "after master line N: line". */
function shape(lines: string[]): {master: string[]; workers: string[]} {
	const master: string[] = [];
	const workers: string[] = [];
	for (const line of lines) {
		if (line.startsWith('[M]')) master.push(line);
		else workers.push(`after ${master.length ? `#${master.length} ${master.at(-1)}` : 'start'}: ${line}`);
	}
	return {master, workers: workers.sort()};
}

/** An event without its pids, ids, times and addresses: what both servers must report alike. */
function eventKey(e: LifecycleEvent): string {
	switch (e.type) {
		case 'worker.exiting':
		case 'worker.exited':
			return `${e.type} ${e.reason}`;
		case 'app.loaded':
			return `${e.type} ${e.where}`;
		case 'master.stopping':
			return `${e.type} ${e.graceful ? 'graceful' : 'quick'}`;
		case 'master.stopped':
			return `${e.type} ${e.code}`;
		case 'response.returned':
		case 'response.sent':
			return `${e.type} ${e.status}`;
		case 'workers.changed':
			return `${e.type} ${e.from}->${e.to}`;
		default:
			return e.type;
	}
}

interface Scenario {
	name: string;
	options?: Partial<ServerOptions>;
	env?: Record<string, string>;
	workers?: number; // ready workers to wait for before `act` (0: do not wait)
	/** Drives one server; returns what its clients got, to compare. */
	act: (run: Run) => Promise<unknown>;
}

/** A client that sends a header line every 0.5 s and never the blank line; what it got when the server closed. */
function trickle(port: number): Promise<string> {
	return new Promise(resolve => {
		let got = '';
		const socket = net.connect(port, '127.0.0.1', () => socket.write('GET / HTTP/1.1\r\nHost: x\r\n'));
		const timer = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 500);
		socket.setEncoding('utf8').on('data', chunk => (got += chunk));
		socket.on('error', () => undefined);
		socket.on('close', () => {
			clearInterval(timer);
			resolve(got);
		});
	});
}

/** TERM, and wait for the exit. */
async function term(run: Run): Promise<void> {
	run.signal('SIGTERM');
	await run.exited;
}

const SCENARIOS: Scenario[] = [
	{name: 'start', act: term},
	{
		name: 'one request',
		act: async run => {
			const answer = await run.get('/');
			await run.wait('response.sent', () => run.has(e => e.type === 'response.sent'));
			await term(run);
			return answer.status;
		},
	},
	{
		name: 'a view error',
		act: async run => {
			const answer = await run.get('/error');
			await run.wait('response.sent', () => run.has(e => e.type === 'response.sent'));
			await term(run);
			return {status: answer.status, page: answer.body.includes('<h1>Server Error (500)</h1>')};
		},
	},
	{
		name: 'kill -9',
		act: async run => {
			const [victim] = run.ready();
			run.signal('SIGKILL', victim);
			await run.wait('the replacement', () => run.exitedWorker(victim) && run.ready().length === 2);
			await term(run);
		},
	},
	{
		name: 'TTIN',
		act: async run => {
			run.signal('SIGTTIN');
			await run.wait('3 workers', () => run.ready().length === 3);
			await term(run);
		},
	},
	{
		name: 'TTOU',
		act: async run => {
			run.signal('SIGTTOU');
			await run.wait('one retired', () => run.has(e => e.type === 'worker.exited' && e.reason === 'removed'));
			await term(run);
		},
	},
	{
		name: 'HUP',
		act: async run => {
			const old = run.ready();
			run.signal('SIGHUP');
			await run.wait(
				'old workers replaced',
				() => old.every(pid => run.exitedWorker(pid)) && run.ready().length === 2,
			);
			await term(run);
		},
	},
	{
		name: 'HUP then TTIN in flight',
		options: {workers: 1},
		workers: 1,
		act: async run => {
			const [old] = run.ready();
			const slow = run.get('/slow?s=8');
			await run.wait('a request in its view', () => run.inView());
			run.signal('SIGHUP');
			await run.wait('a fresh worker', () => run.ready().some(pid => pid !== old));
			run.signal('SIGTTIN');
			await run.wait('TTIN handled', () => run.has(e => e.type === 'workers.changed' && e.to === 2));
			// The master loop went on while the old worker drains its request (24.0 would wait for it).
			const whileDraining = !run.exitedWorker(old);
			const answer = await slow;
			await run.wait('old gone, two fresh', () => run.exitedWorker(old) && run.ready().length === 2);
			await term(run);
			return {answer: answer.status, whileDraining};
		},
	},
	{
		name: 'timeout',
		options: {timeout: 2},
		act: async run => {
			const answer = await run.get('/slow?s=30');
			await run.wait(
				'the replacement',
				() => run.has(e => e.type === 'worker.exited' && e.reason === 'timeout') && run.ready().length === 2,
			);
			await term(run);
			return answer.status;
		},
	},
	{
		name: 'TERM in flight',
		act: async run => {
			const slow = run.get('/slow?s=3');
			await run.wait('a request in its view', () => run.inView());
			const idle = run.ready().find(pid => !run.busy().includes(pid))!;
			run.signal('SIGTERM');
			await run.wait('the idle worker gone', () => run.exitedWorker(idle));
			const late = await run.get('/'); // during the graceful wait: never served
			const answer = await slow;
			await run.exited;
			return {inFlight: answer.status, late: late.status};
		},
	},
	...(['SIGINT', 'SIGQUIT'] as const).map(
		(sig): Scenario => ({
			name: `${sig.slice(3)} in flight`,
			act: async run => {
				const slow = run.get('/slow?s=30');
				await run.wait('a request in its view', () => run.inView());
				const t0 = Date.now();
				run.signal(sig);
				await run.exited;
				return {inFlight: (await slow).status, quick: Date.now() - t0 < 3000};
			},
		}),
	),
	{
		name: 'slow client',
		options: {timeout: 2},
		act: async run => {
			// Headers trickled, never finished: the sync worker reads with no timeout and no heartbeat.
			const answer = await trickle(run.port);
			await run.wait(
				'the replacement',
				() => run.has(e => e.type === 'worker.exited' && e.reason === 'timeout') && run.ready().length === 2,
			);
			await term(run);
			return {answer};
		},
	},
	{
		name: 'max-requests',
		options: {workers: 1, maxRequests: 2},
		workers: 1,
		act: async run => {
			const [first] = run.ready();
			const answers = [(await run.get('/')).status, (await run.get('/')).status];
			await run.wait('recycled', () => run.exitedWorker(first) && run.ready().length === 1);
			await term(run);
			return answers;
		},
	},
	{
		name: 'boot failure',
		options: {workers: 1},
		env: {GW_APP_FAIL: '1'},
		workers: 0,
		act: async run => {
			await run.exited;
		},
	},
];

if (required) {
	test('Gunicorn is installed for the fidelity test (GUNICORN_REQUIRED=1)', () => {
		expect(missing).toBeUndefined();
	});
}

test('docs/fidelity.md lists the allowed differences in a table this test can read', () => {
	const allowed = allowedDifferences();
	expect(allowed.length).toBeGreaterThan(0);
	expect(allowed.some(a => a.becomes === undefined)).toBe(true);
});

describe.skipIf(Boolean(missing))(
	`our server against ${'error' in found ? 'Gunicorn (missing)' : `Gunicorn ${found.gunicorn}`}`,
	() => {
		const runs: Run[] = [];
		afterEach(() => {
			for (const run of runs.splice(0)) run.kill();
		});
		const allowed = allowedDifferences();

		for (const scenario of SCENARIOS) {
			test(scenario.name, async () => {
				const o = options(scenario.options);
				const sides: Side[] = ['ours', 'gunicorn'];
				const results = await Promise.all(
					sides.map(async side => {
						const run = new Run(side, o, scenario.env ?? {});
						runs.push(run);
						const workers = scenario.workers ?? o.workers;
						if (workers) await run.started(workers);
						const got = await scenario.act(run);
						await run.exited;
						return {run, got};
					}),
				);
				const [ours, gunicorn] = results;
				const log = (r: Run) => r.normalisedLog(scenario.name, allowed);
				const context = `\nours:\n${log(ours.run).join('\n')}\ngunicorn:\n${log(gunicorn.run).join('\n')}`;
				expect(ours.got, `what the clients got${context}`).toEqual(gunicorn.got);
				expect(ours.run.exit, `exit${context}`).toEqual(gunicorn.run.exit);
				const [a, b] = [shape(log(ours.run)), shape(log(gunicorn.run))];
				expect(a.master, `master lines${context}`).toEqual(b.master);
				expect(a.workers, `worker lines${context}`).toEqual(b.workers);
				const events = (r: Run) => r.events.map(eventKey).sort();
				expect(events(ours.run), 'events').toEqual(events(gunicorn.run));
				for (const {run} of results)
					expect(run.state().rejected, `${run.side} events the machine rejected`).toEqual([]);
			}, 90_000);
		}
	},
);

describe('the live narration names both wordings where 20.1 and current Gunicorn differ', () => {
	test('a worker killed by a signal', () => {
		const note = versionNote({type: 'worker.exited', pid: 42, reason: 'killed', code: null, signal: 'SIGKILL'});
		expect(note).toContain('"Worker with pid 42 was terminated due to signal 9"');
		expect(note).toContain('"Worker (pid:42) was sent SIGKILL! Perhaps out of memory?"');
	});
	test('a worker that exits 1 after its timeout (our server, and Gunicorn whose hooks see no code)', () => {
		for (const code of [1, undefined]) {
			const note = versionNote({
				type: 'worker.exited',
				pid: 42,
				reason: 'timeout',
				...(code === undefined ? {} : {code, signal: null}),
			});
			expect(note).toMatch(/20\.1 logs nothing .* "Worker \(pid:42\) exited with code 1\."/);
		}
	});
	test('a master halted by a boot error, and nothing where the versions agree', () => {
		expect(versionNote({type: 'master.stopped', code: 3})).toMatch(/INFO; 21\+ at ERROR/);
		expect(versionNote({type: 'master.stopped', code: 0})).toBeUndefined();
		expect(versionNote({type: 'worker.exited', pid: 42, reason: 'reload', code: 0, signal: null})).toBeUndefined();
	});
	test('the live view adds it to the note for the inspected event', () => {
		const live = reduceAll(initialState, [
			{type: 'master.starting', pid: 1, command: 'gunicorn', workers: 1, preload: false, timeout: 30},
			{type: 'socket.bound', address: '127.0.0.1:8000'},
			{type: 'worker.forked', pid: 42},
			{type: 'worker.exited', pid: 42, reason: 'killed', code: null, signal: 'SIGKILL'},
		]);
		const lesson = {...buildLesson(), liveNotes: {'worker.exited.killed': 'Live: killed.'}};
		expect(liveView(live, undefined, lesson).liveNote).toMatch(
			/^Live: killed\. Gunicorn 20\.1 logs "Worker with pid 42 was terminated due to signal 9"/,
		);
	});
});
