// The panel registry is the only list of panels: one added to it shows in the header, is
// offered by --panel and --help, and survives saved progress; old numeric files still load.
import {mkdirSync, mkdtempSync, readFileSync, writeFileSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {Box} from 'ink';
import {render} from 'ink-testing-library';
import {describe, expect, test} from 'vitest';
import {initialState} from '../source/lifecycle/machine';
import {ProgressStore} from '../source/progress/store';
import {helpRows} from '../source/ui/keys';
import {initialUi, interpretKey} from '../source/ui/model';
import {Header} from '../source/ui/parts/Header';
import {PANELS, visiblePanels, type PanelId} from '../source/ui/panels';
import {type LiveInfo, liveLines} from '../source/ui/panels/Live';

const dir = () => join(mkdtempSync(join(tmpdir(), 'gw-panels-')), 'gunicorn-walkthrough');

describe('a panel added to the registry (the tenth, Labs)', () => {
	const labs: PanelId = 'labs';

	test('has its tab in the header, and all ten tabs fit 80 columns', () => {
		const panels = visiblePanels({room: false, live: false});
		expect(panels).toContain(labs);
		expect(PANELS.filter(p => p.key === 'L').map(p => p.id)).toEqual(['labs']);
		for (const width of [160, 80]) {
			const {lastFrame, unmount} = render(
				<Header width={width} position="Step 1/9" panel={labs} panels={panels} />,
			);
			expect(lastFrame()).toContain('[L Labs]');
			expect(lastFrame()).toContain(' 9 Live ');
			expect(lastFrame()).toContain(' 1 Flow ');
			unmount();
		}
	});

	test('is in the help, and its key opens it', () => {
		const panels = visiblePanels({room: false, live: false});
		const row = helpRows({leader: false, panels}).find(([, what]) => what.startsWith('panels'));
		expect(row).toEqual(['1-9 L Tab Shift+Tab', expect.stringContaining('Live Labs')]);
		const ctx = {steps: 9, chapters: [], quiz: [], panels, live: false, leader: false};
		expect(interpretKey('L', {}, initialUi(), ctx)).toEqual({kind: 'action', action: {type: 'panel', to: 'labs'}});
	});

	test('is offered by --panel, by key and by id, and named in --help', async () => {
		const {parseArgs, HELP} = await import('../source/cli/args');
		expect(parseArgs(['--panel', 'labs'])).toMatchObject({panel: 'labs'});
		expect(parseArgs(['--panel', 'L'])).toMatchObject({panel: 'labs'});
		expect(parseArgs(['--panel', 'room'])).toMatchObject({mode: 'error'}); // the instructor's own
		expect(HELP).toMatch(/live,\s+labs/);
	});

	test('is saved by id and restored', () => {
		const store = new ProgressStore(dir());
		store.save({step: 2, panel: labs, answers: {}, following: false});
		expect(readFileSync(store.file, 'utf8')).toContain('"labs"');
		expect(new ProgressStore(join(store.file, '..')).load().progress).toMatchObject({step: 2, panel: 'labs'});
	});
});

describe('progress files from before panel ids', () => {
	test('a numeric panel is read as the panel that number was, without complaint', () => {
		for (const [number, id] of [
			[3, 'table'],
			[9, 'live'],
			[10, 'room'],
		] as const) {
			const d = dir();
			mkdirSync(d, {recursive: true});
			writeFileSync(join(d, 'progress.json'), `${JSON.stringify({step: 4, panel: number, answers: {}})}\n`);
			const loaded = new ProgressStore(d).load();
			expect(loaded.progress).toMatchObject({step: 4, panel: id});
			expect(loaded.notice).toBe('Resumed at step 4 (--reset starts over).');
		}
	});
});

describe("the Live panel's server line", () => {
	const info = (facts: Partial<LiveInfo>): LiveInfo => ({
		kind: 'server',
		address: '127.0.0.1:8000',
		state: initialState,
		logs: [],
		rps: 0,
		now: 0,
		running: false,
		...facts,
	});
	const first = (i: LiveInfo) => {
		const {lastFrame, unmount} = render(<Box>{liveLines(i, 80, 24)[0]}</Box>);
		const line = lastFrame() ?? '';
		unmount();
		return line;
	};
	test('says stopped, and that x starts it, only once a stop is done', () => {
		expect(first(info({switching: 'stopping'}))).toBe('Server stopping …');
		expect(first(info({}))).toBe('Server stopped (x starts it)');
		expect(first(info({switching: 'starting'}))).toBe('Server starting …');
		expect(first(info({running: true, switching: 'stopping'}))).toMatch(/^Server master pid … {2}on http:\/\/127/);
	});
});
