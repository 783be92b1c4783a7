// The lesson format: chapters round-trip through JSON, the documented example loads and runs,
// and a broken file is refused in one line naming the file and the field.
import {spawnSync} from 'node:child_process';
import {mkdtempSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {afterAll, describe, expect, test} from 'vitest';
import {parse as parseYaml, stringify as toYaml} from 'yaml';
import {findChapter} from '../source/lesson/chapters';
import {REQUEST} from '../source/lesson/chapters/request';
import {SUPERVISION} from '../source/lesson/chapters/supervision';
import {buildLesson} from '../source/lesson/lesson';
import {loadLesson} from '../source/lesson/load';
import {render, scriptedNames} from '../source/lesson/names';
import {validateChapter} from '../source/lesson/validate';
import {childEnv, CLI, TerminalSession} from './support/terminal';

// A parsed lesson file, to break on purpose: any shape goes.
// biome-ignore lint/suspicious/noExplicitAny: the tests write wrong values into it
type Raw = any;

const dir = mkdtempSync(join(tmpdir(), 'gw-lessons-'));
afterAll(() => rmSync(dir, {recursive: true, force: true}));

const example = () => {
	const doc = readFileSync(new URL('../docs/lessons.md', import.meta.url), 'utf8');
	return doc.match(/```yaml\n([\s\S]*?)```/)![1];
};
const write = (name: string, text: string) => {
	const file = join(dir, name);
	writeFileSync(file, text);
	return file;
};
/** The example with one change made to its parsed value, written as YAML. */
const broken = (change: (lesson: Raw) => void) => {
	const lesson = parseYaml(example());
	change(lesson);
	return write('lesson.yaml', toYaml(lesson));
};
const refusal = (file: string) => {
	try {
		loadLesson(file);
	} catch (error) {
		return (error as Error).message;
	}
	return 'loaded';
};

describe('chapters as data', () => {
	test('chapter 1 written out as JSON and loaded back is the same lesson, in both variants', () => {
		const file = write('request.json', JSON.stringify(REQUEST, null, 2));
		const chapter = loadLesson(file);
		for (const variant of ['default', 'preload'] as const)
			expect(chapter.lesson(variant)).toEqual(buildLesson(variant));
		expect(chapter.id).toBe('request');
	});
	test('validation keeps every field of a chapter', () => {
		for (const data of [REQUEST, SUPERVISION])
			expect(validateChapter(JSON.parse(JSON.stringify(data)))).toEqual(JSON.parse(JSON.stringify(data)));
	});
	test('chapter 2 written out as YAML and loaded back is the same lesson', () => {
		const chapter = loadLesson(write('supervision.yaml', toYaml(SUPERVISION)));
		for (const variant of ['default', 'preload'] as const)
			expect(chapter.lesson(variant)).toEqual(findChapter('supervision')!.lesson(variant));
	});
	test('names render with the scripted cast, and live ones', () => {
		const names = scriptedNames(REQUEST.cast!);
		expect(render('{master} forks {workers:worker}: {worker}, {worker2}, {worker3}; {workers:copy}', names)).toBe(
			'4120 forks two workers: 4121, 4122, another worker; two copies',
		);
		expect(render('{bind}', names)).toBe('the default address 127.0.0.1:8000');
		const live = {...names, count: 1, address: '0.0.0.0:9000', workers: ['77']};
		expect(render('{bind}, {workers:worker}, {workers:copy}, {worker}', live)).toBe(
			'the address 0.0.0.0:9000, one worker, one copy, 77',
		);
		expect(render('f"{os.getpid()}" and {unknown} stay', names)).toBe('f"{os.getpid()}" and {unknown} stay');
	});
	test("chapter 1's text names no scripted pid but through the cast", () => {
		// Live, the narration is rendered again from these templates: a pid typed in would stay the scripted one.
		for (const step of REQUEST.steps)
			for (const text of [step.title, ...step.narration, ...(step.preload?.narration ?? [])])
				expect(text).not.toMatch(/412[012]|127\.0\.0\.1:8000/);
	});
});

describe('the example in docs/lessons.md', () => {
	test('loads and plays', () => {
		const chapter = loadLesson(write('example.yaml', example()));
		const lesson = chapter.lesson('default');
		expect(chapter.id).toBe('first-boot');
		expect(lesson.steps.map(s => s.title)).toEqual([
			'The master starts and binds 127.0.0.1:8000',
			'It forks one worker',
			'kill -9 501; the master forks 502',
		]);
	});
	test('runs interactively: its steps and words on the screen', async () => {
		const file = write('example.yaml', example());
		const session = new TerminalSession(['--lesson', file, '--reset'], {
			cols: 80,
			rows: 24,
			env: {XDG_CONFIG_HOME: dir},
		});
		try {
			await session.waitFor('Step 1/3');
			await session.waitFor('The master starts and binds 127.0.0.1:8000');
			session.write('n');
			await session.waitFor('Step 2/3');
			await session.waitFor('It forks one worker');
		} finally {
			session.kill();
		}
	});
	test('runs in --plain', () => {
		const file = write('example.yaml', example());
		const run = spawnSync(process.execPath, [CLI, '--plain', '--lesson', file], {
			env: childEnv(),
			encoding: 'utf8',
		});
		expect(run.stderr).toBe('');
		expect(run.status).toBe(0);
		expect(run.stdout).toMatch(/^A first boot, and a worker killed\n/);
		expect(run.stdout).toContain('Step 3. kill -9 501; the master forks 502');
		expect(run.stdout).toContain('Worker with pid 501 was terminated due to signal 9');
		expect(run.stdout).not.toContain('Chapter 1 of');
	});
});

describe('a broken lesson file', () => {
	test.each([
		[
			'an unknown event type',
			(l: Raw) => (l.steps[2].events[0].type = 'worker.forke'),
			'steps[2].events[0].type: unknown event type "worker.forke"',
		],
		[
			'a missing field of an event',
			(l: Raw) => delete l.steps[1].events[0].pid,
			'steps[1].events[0].pid: worker.forked',
		],
		['missing narration', (l: Raw) => delete l.steps[1].narration, 'steps[1].narration: missing'],
		['empty narration', (l: Raw) => (l.steps[1].narration = []), 'steps[1].narration: is empty'],
		['an unknown flow node', (l: Raw) => (l.flow[2].node = 'router'), 'flow[2].node: unknown flow node "router"'],
		[
			'a hint target past the steps',
			(l: Raw) => (l.quiz[0].target = {panel: 'table', step: 12, column: 'worker'}),
			'quiz[0].target.step: hint target past the steps: step 12 of 3',
		],
		[
			'a hint at a box the flow does not draw',
			(l: Raw) => (l.quiz[0].target = {panel: 'flow', node: 'django'}),
			'quiz[0].target.node: the flow draws no "django" box',
		],
		[
			'a hint at a tracker row it does not show',
			(l: Raw) => (l.quiz[0].target.variable = 'Served'),
			'quiz[0].target.variable: the tracker has no "Served" row',
		],
		[
			'a quiz answer out of range',
			(l: Raw) => (l.quiz[0].answer = 3),
			'quiz[0].answer: 3 is out of range for 3 options: 0-2',
		],
		[
			'an unknown name',
			(l: Raw) => (l.steps[0].narration[0] = 'The {wroker}'),
			'steps[0].narration[0]: unknown name {wroker}',
		],
		[
			'a worker the cast lacks',
			(l: Raw) => (l.transcript[0] = '{worker3}'),
			'transcript[0]: names {worker3}, but the cast has 2',
		],
		['a typo in a field name', (l: Raw) => (l.steps[0].narations = []), 'steps[0].narations: unknown field'],
		[
			'an explains entry with a bad detail',
			(l: Raw) => (l.steps[2].explains = ['worker.exited:kiled']),
			'steps[2].explains[0]: unknown detail "kiled" for worker.exited',
		],
		[
			'events the machine refuses',
			(l: Raw) => (l.steps[1].events[0].pid = 500),
			'steps[1].events[1]: the lifecycle cannot take this app.loaded',
		],
		[
			'a key moment past the steps',
			(l: Raw) => (l.keyMoments[0].step = 4),
			'keyMoments[0].step: step 4 is past the last step (3)',
		],
		[
			'an unknown lab',
			(l: Raw) => (l.labs = ['respawn', 'respwan']),
			'labs[1]: unknown lab "respwan" (one of respawn,',
		],
		[
			'a sample line that is not there',
			(l: Raw) => (l.steps[0].sample.line = 2),
			'steps[0].sample.line: shell has 1 lines',
		],
	])('%s', (_what, change, message) => {
		const file = broken(change);
		expect(refusal(file)).toContain(`${file}: ${message}`);
		expect(refusal(file).split('\n')).toHaveLength(1);
	});

	test('not YAML, not JSON, not there', () => {
		expect(refusal(write('bad.yaml', 'steps: [unclosed'))).toMatch(/bad\.yaml: not YAML: /);
		expect(refusal(write('bad.json', '{"title": '))).toMatch(/bad\.json: not JSON: /);
		expect(refusal(join(dir, 'none.json'))).toBe(`${join(dir, 'none.json')}: no such file`);
		expect(refusal(dir)).toBe(`${dir}: not a regular file`);
	});

	test('the command says it in one line, exits 2 and starts nothing', () => {
		const file = broken(l => (l.steps[2].events[0].type = 'worker.forke'));
		const run = spawnSync(process.execPath, [CLI, '--plain', '--lesson', file], {
			env: childEnv(),
			encoding: 'utf8',
		});
		expect(run.status).toBe(2);
		expect(run.stdout).toBe('');
		expect(run.stderr.trim().split('\n')).toHaveLength(1);
		expect(run.stderr).toContain(`${file}: steps[2].events[0].type: unknown event type "worker.forke"`);
	});
});
