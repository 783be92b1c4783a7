// --screen-reader (and INK_SCREEN_READER=true) in a real pseudo-terminal: after each key, what a
// screen reader reads is the text the app has just appended. Nothing is drawn, moved or redrawn.
import {mkdtempSync, readFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterEach, describe, expect, test} from 'vitest';
import {processAlive} from '../source/live/process-source';
import {KEYS, TerminalSession, until} from './support/terminal';

const sessions: TerminalSession[] = [];
afterEach(() => {
	for (const s of sessions.splice(0)) s.kill();
});

function start(args: string[], env: Record<string, string> = {}, home = mkdtempSync(join(tmpdir(), 'gw-sr-'))) {
	const t = new TerminalSession(args, {env: {XDG_CONFIG_HOME: home, ...env}});
	sessions.push(t);
	return t;
}

const ESCAPES = /\x1b\[\??[0-9;]*[a-zA-Z]/g;
/** The lines written since `from`, without escapes: what a screen reader reads out. */
const saidSince = (t: TerminalSession, from: number) =>
	t.output
		.slice(from)
		.replace(ESCAPES, '')
		.split(/\r?\n/)
		.map(l => l.trim())
		.filter(Boolean);

/** Presses one key and waits for the lines it makes the app say, until `done` sees the last of them. */
async function press(t: TerminalSession, key: string, done: RegExp): Promise<string[]> {
	const from = t.output.length;
	t.write(key);
	await until(`${JSON.stringify(key)} to say ${done}`, () => saidSince(t, from).some(l => done.test(l)));
	await new Promise(resolve => setTimeout(resolve, 150)); // anything else it says for this key
	return saidSince(t, from);
}

const DRAWING = /[─-╿▀-▟■-◿]/; // box drawing, blocks, shapes (the flow diagram's boxes and marks)
// Cursor movement, erasing, scrolling regions, the alternate screen: anything that redraws.
const REDRAW = /\x1b\[(\d*[ABCDEFGHJKSTf]|\d+;\d+[Hf]|\?1049[hl])/;

describe('--screen-reader', () => {
	test('says the start, then after each key only what changed, in words; never draws or redraws', async () => {
		const t = start(['--screen-reader']);
		await until('the start', () => saidSince(t, 0).includes('Press ? for the keys.'));
		const first = saidSince(t, 0);
		expect(first[0]).toMatch(/Gunicorn/);
		expect(first).toContain('Step 1 of 9: You run gunicorn: the master starts.');
		expect(first).toContain('Panel 1, Flow.');
		expect(first.some(l => l.startsWith('Now at '))).toBe(true);

		const step2 = await press(t, 'n', /^Now at /);
		expect(step2[0]).toMatch(/^Step 2 of 9: /);
		expect(step2.join('\n')).not.toContain('Step 1 of 9'); // nothing said again
		expect(step2.join('\n')).not.toContain('Panel 1, Flow.');

		const back = await press(t, KEYS.left, /^Now at /);
		expect(back[0]).toMatch(/^Step 1 of 9: /);

		const table = await press(t, '3', /^Row 1 of 1\./);
		expect(table).toEqual([
			'Panel 3, Table.',
			expect.stringMatching(/^Row 1 of 1\. Action: Run gunicorn .*Output: Starting gunicorn 20\.1\.0\.$/),
		]);
		const row2 = await press(t, 'n', /^Row 2 of 2\./);
		expect(row2[0]).toMatch(/^Step 2 of 9: /);

		const quiz = await press(t, '6', /^d: /);
		expect(quiz[0]).toBe('Panel 6, Quiz.');
		expect(quiz[1]).toMatch(/^Question 1 of \d+: /);
		const moved = await press(t, KEYS.down, /^b: /);
		expect(moved).toHaveLength(1);
		const answered = await press(t, KEYS.enter, /is (correct|not right)/);
		expect(answered[0]).toMatch(/^b is (correct\.|not right: the answer is [a-d], .+)/);
		expect(answered.length).toBeGreaterThan(1); // the explanation
		expect(await press(t, 'h', /^Hint: /)).toHaveLength(1);
		expect((await press(t, ']', /^d: /))[0]).toMatch(/^Question 2 of /);

		expect((await press(t, '?', /^\?: these keys again/))[0]).toBe('Keys, the same as on the full screen:');
		expect(await press(t, KEYS.esc, /^Keys closed\.$/)).toEqual(['Keys closed.']);

		await press(t, '1', /^Now at /);
		const preload = await press(t, 'v', /^Now at /);
		expect(preload[0]).toMatch(/^Now with --preload/);

		const play = await press(t, ' ', /^Autoplay: /);
		expect(play).toEqual(['Autoplay: a step every 2.5 seconds; any key stops it.']);
		expect(await press(t, 'x', /^Autoplay stopped\.$/)).toEqual(['Autoplay stopped.']);

		expect(t.output).not.toMatch(DRAWING);
		expect(t.output).not.toMatch(REDRAW);
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
	}, 60_000);

	test('INK_SCREEN_READER=true is the same mode', async () => {
		const t = start(['--step', '4', '--panel', 'table'], {INK_SCREEN_READER: 'true'});
		await until('the start', () => saidSince(t, 0).includes('Press ? for the keys.'));
		expect(saidSince(t, 0)).toContain('Panel 3, Table.');
		expect(saidSince(t, 0).some(l => /^Step 4 of 9: /.test(l))).toBe(true);
		expect(t.output).not.toMatch(DRAWING);
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
	});

	test('attached to our server, each live event is said in words; the live keys work', async () => {
		const t = start(['--screen-reader', '--live', '--bind', '127.0.0.1:0', '--reset']);
		await until(
			'two workers ready',
			() => saidSince(t, 0).filter(l => /^Event \d+: Worker \d+ waits for connections/.test(l)).length === 2,
			20_000,
		);
		const start9 = saidSince(t, 0);
		expect(start9).toContain('Panel 9, Live.');
		await press(t, '1', /^Now at /);
		const panel9 = await press(t, '9', /^\d+ requests served/);
		expect(panel9.slice(0, 3)).toEqual([
			'Panel 9, Live.',
			expect.stringMatching(/^Master: Running \(pid \d+\)\.$/),
			expect.stringMatching(/^Workers: \d+ listening, \d+ listening\.$/),
		]);
		const master = Number(/\(pid (\d+)\)/.exec(panel9[1])?.[1]);
		expect(processAlive(master)).toBe(true);

		const request = await press(t, 'r', /^GET \/ -> 200 in \d+ ms\.$/);
		expect(request).toEqual(
			expect.arrayContaining([
				expect.stringMatching(/^Event \d+: GET \/ accepted by \d+\.$/),
				expect.stringMatching(/^Event \d+: \d+ sends 200, closes socket\./),
			]),
		);
		expect(request.join('\n')).not.toMatch(/Panel 9|Master: /); // the status is not said again

		const killed = await press(t, 'k', /^Event \d+: Master forks worker \d+\./);
		expect(killed.some(l => /^Event \d+: Worker \d+ exited \(killed\)/.test(l))).toBe(true);

		const inspect = await press(t, KEYS.left, /^Event \d+ of \d+, paused: /);
		expect(inspect[0]).toMatch(/^Event (\d+) of \d+, paused: /);
		// Live events go on arriving (the killed worker's replacement getting ready): said after it.
		expect(await press(t, KEYS.end, /^Following the newest event\.$/)).toContain('Following the newest event.');

		expect(t.output).not.toMatch(REDRAW);
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
		await until('the server gone', () => !processAlive(master), 10_000);
	}, 60_000);

	test('a lab end to end, said line by line: question, prediction, steps, events, reveal, hints, reset', async () => {
		const home = mkdtempSync(join(tmpdir(), 'gw-sr-'));
		const t = start(['--screen-reader', '--lab', 'reload', '--bind', '127.0.0.1:0', '--reset'], {}, home);
		/** The pids of the workers said to be ready since `from`, once there are n. */
		const ready = (from: number, n: number) =>
			until(
				`${n} workers ready`,
				() => {
					const said = saidSince(t, from).map(
						l => /^Event \d+: Worker (\d+) waits for connections/.exec(l)?.[1],
					);
					const pids = said.filter(p => p !== undefined).map(Number);
					return pids.length >= n && pids;
				},
				20_000,
			);
		const [, workers] = await Promise.all([
			until('the start', () => saidSince(t, 0).includes('Press ? for the keys.')),
			ready(0, 2),
		]);
		const first = saidSince(t, 0);
		const master = Number(/^Event \d+: Master binds .*\((\d+)\)\.$/.exec(first.find(l => / binds /.test(l))!)?.[1]);
		expect(first).toEqual(
			expect.arrayContaining([
				'Panel L, Labs.',
				'Lab reload: Change the app, then HUP (not tried).',
				'Setup: --workers 2; R restarts the server with it.',
				'Question: You change the text / answers with, then send HUP. Do new requests see the new text?',
				'a: yes',
				'b: no',
				'Predict: press a to b.',
				'Do: press t: change the greeting to "Bonjour"; then press g: HUP; then press r: GET / once the new ' +
					'workers are up.',
			]),
		);

		expect(await press(t, 'b', /^You predict: /)).toEqual(['You predict: no.']); // wrong: they do
		expect(await press(t, 't', /^Next, /)).toEqual([
			'Done: change the greeting to "Bonjour".',
			'Next, press g: HUP.',
		]);
		const from = t.output.length;
		const hup = await press(t, 'g', /^Next, /);
		expect(hup.slice(0, 2)).toEqual(['Done: HUP.', 'Next, press r: GET / once the new workers are up.']);
		const fresh = await ready(from, 2);
		// What happened, in words: the HUP, the fresh workers forked by the master, the old ones leaving.
		const events = saidSince(t, from);
		expect(events.some(l => /^Event \d+: HUP/.test(l))).toBe(true);
		for (const pid of fresh) expect(events).toContainEqual(expect.stringMatching(`Master forks worker ${pid}\\.`));

		const reveal = await press(t, 'r', /^R resets and runs it again\.$/);
		const at = reveal.indexOf('Not what happened.');
		expect(at).toBeGreaterThan(-1);
		expect(reveal.slice(at + 1, at + 3)).toEqual([
			'You predicted: no (not what happened). It happened: yes.',
			expect.stringMatching(/^HUP: (\d+), (\d+) replaced (\d+), (\d+)\. GET \/ answered: "Bonjour/),
		]);
		const [, ...pids] = /^HUP: (\d+), (\d+) replaced (\d+), (\d+)\./.exec(reveal[at + 2])!.map(Number);
		expect(pids.slice(0, 2).sort()).toEqual([...fresh].sort());
		expect(pids.slice(2).sort()).toEqual([...workers].sort());
		for (const pid of fresh) expect(processAlive(pid)).toBe(true);
		// Both fresh workers imported it; in which order is the two processes' race, not the ready order.
		const imported = reveal.map(l =>
			/^The app was imported by worker (\d+), worker (\d+) after the HUP\.$/.exec(l),
		);
		expect(imported.find(Boolean)?.slice(1).map(Number).sort()).toEqual([...fresh].sort());
		// The server's own log lines, each from one of the real processes.
		const logs = reveal.filter(l => l.startsWith('Log: '));
		expect(logs.length).toBeGreaterThan(0);
		for (const l of logs)
			expect([master, ...workers, ...fresh]).toContain(Number(/^Log: \[[^\]]+\] \[(\d+)\]/.exec(l)?.[1]));
		expect(reveal).toContainEqual(expect.stringMatching(/^HUP \(handle_hup\) reloads the configuration/));

		expect(await press(t, 'h', /^Hint 1: /)).toEqual(['Hint 1: Where is the app imported without --preload?']);
		expect(await press(t, 'h', /^Hint 2: /)).toEqual(['Hint 2: Watch the app.loaded events of the new workers.']);
		const saved = () => JSON.parse(readFileSync(join(home, 'gunicorn-walkthrough', 'progress.json'), 'utf8')).labs;
		await until('the outcome saved', () => saved()?.reload?.outcome === 'wrong');
		expect(saved().reload).toEqual({outcome: 'wrong', prediction: 1});

		const reset = await press(t, 'R', /^Reset: /);
		expect(reset[0]).toBe("Reset: the server restarts with the lab's flags, --workers 2.");
		const restarted = t.output.length;
		await until('the old master gone', () => !processAlive(master), 15_000);
		const again = await ready(restarted, 2);
		for (const pid of again) expect(processAlive(pid)).toBe(true);
		expect(await press(t, KEYS.esc, /^Under the cursor: /)).toContain(
			'Lab reload: Change the app, then HUP (predicted).',
		);

		expect(t.output).not.toMatch(DRAWING);
		expect(t.output).not.toMatch(REDRAW);
		t.write('q');
		expect((await t.exited).exitCode).toBe(0);
		expect(saved().reload.outcome).toBe('wrong');
		await until('the server gone', () => [...fresh, ...workers, ...again].every(p => !processAlive(p)), 10_000);
	}, 60_000);
});
