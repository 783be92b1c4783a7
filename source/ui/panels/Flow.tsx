// Panel 1: where a request goes (client, listening socket, worker, Django and back) and the
// master beside it, the current part lit (double rule, bold and a marker, so it never depends
// on colour), then what is happening in words.
import type React from 'react';
import {Box, Text} from 'ink';
import {describeApp, describeMaster, describeRequest, describeWorkers, workerLoad} from '../../lifecycle/describe';
import {liveWorkers, type LifecycleState} from '../../lifecycle/machine';
import type {FlowNode} from '../../lifecycle/selectors';
import {wrap} from '../../lesson/plain';
import type {Lesson} from '../../lesson/types';
import {Lines, type Line} from '../parts/Lines';
import type {View} from '../view';

type Ink = 'line' | 'text';
interface Cell {
	ch: string;
	owner?: FlowNode;
	ink: Ink;
}

/** A small character canvas: each cell remembers which node it belongs to, for lighting. */
class Canvas {
	readonly rows: Cell[][];
	constructor(width: number, height: number) {
		this.rows = Array.from({length: height}, () =>
			Array.from({length: width}, () => ({ch: ' ', ink: 'text' as Ink})),
		);
	}
	put(x: number, y: number, text: string, owner?: FlowNode, ink: Ink = 'line') {
		[...text].forEach((ch, i) => {
			if (this.rows[y]?.[x + i]) this.rows[y][x + i] = {ch, owner, ink};
		});
	}
	/** A box, double-ruled when lit; `mark` sits in its top rule ("▲ now", "? hint"). */
	box(node: FlowNode, x: number, y: number, w: number, lines: string[], lit: boolean, mark: string) {
		const [h, v, tl, tr, bl, br] = lit ? '═║╔╗╚╝' : '─│┌┐└┘';
		const inner = w - 2;
		const top = mark ? `${h} ${mark} `.padEnd(inner, h).slice(0, inner) : h.repeat(inner);
		this.put(x, y, tl + top + tr, node);
		lines.forEach((text, i) => {
			this.put(x, y + 1 + i, v, node);
			this.put(
				x + 1,
				y + 1 + i,
				(text.length < inner ? ` ${text}` : text).padEnd(inner).slice(0, inner),
				node,
				'text',
			);
			this.put(x + w - 1, y + 1 + i, v, node);
		});
		this.put(x, y + 1 + lines.length, bl + h.repeat(inner) + br, node);
	}
}

// Where things are: the request path on rows 3-8 (Client, the listening socket, a Worker,
// Django), the response's way back below it, and the master apart above, joined only to the
// socket it binds and to the workers it forks, signals and watches. 70 columns wide.
const AT = {client: 0, socket: 11, worker: 36, django: 55, master: 24} as const;
export const FLOW_WIDTH = 70;

/** The diagram's rows for this state: boxes, arrows and the facts inside the boxes. */
function diagram(s: LifecycleState, lit: FlowNode | undefined, hinted: FlowNode | undefined): Cell[][] {
	const c = new Canvas(FLOW_WIDTH, 9);
	const on = (node: FlowNode) => node === lit;
	const mark = (node: FlowNode) =>
		on(node) && node === hinted ? '▲now?' : on(node) ? '▲ now' : node === hinted ? '? hint' : '';
	const live = liveWorkers(s);
	const r = s.last;
	const busy = live.find(w => w.state === 'busy');
	// Two lines, so a long pid and a gthread worker's load ("busy 3/4") both fit the box.
	const idle = live.length ? `${live.length}× ${live[0].state === 'booting' ? 'boot' : 'idle'}` : '';
	const worker = busy ? [String(busy.pid), workerLoad(busy)] : [idle, ''];
	const master = s.master.state === 'down' ? '' : s.master.state === 'stopped' ? 'stopped' : `pid ${s.master.pid}`;
	c.box('master', AT.master, 0, 24, [`Master  ${master}`], on('master'), mark('master'));
	c.put(AT.master - 6, 2, 'binds', 'master', 'text');
	c.put(AT.master + 25, 1, 'fork, signals,', 'master', 'text');
	c.put(AT.master + 25, 2, 'heartbeat', 'master', 'text');
	c.box('client', AT.client, 3, 9, ['Client', r ? `${r.method} ${r.path}` : ''], on('client'), mark('client'));
	c.box(
		'socket',
		AT.socket,
		3,
		17,
		['Listen socket', s.master.state === 'stopped' ? 'closed' : (s.master.address ?? '')],
		on('socket'),
		mark('socket'),
	);
	c.box('worker', AT.worker, 3, 13, ['Worker', ...worker], on('worker'), mark('worker'));
	c.box(
		'django',
		AT.django,
		3,
		15,
		['Django', 'middleware', 'URL resolver', r?.view ? `${r.view.split('.').pop()}()` : 'view'],
		on('django'),
		mark('django'),
	);
	// The master's two joints: down into the socket's top rule and the worker's.
	c.put(AT.master + 2, 2, on('master') ? '╤' : '┬', 'master');
	c.put(AT.master + 2, 3, on('socket') ? '╧' : '┴', 'master');
	c.put(AT.worker + 9, 2, on('master') ? '╤' : '┬', 'master');
	c.put(AT.worker + 9, 3, on('worker') ? '╧' : '┴', 'master');
	c.put(AT.client + 9, 4, '─▶', 'client');
	c.put(AT.socket + 17, 4, '─accept▶', 'worker');
	c.put(AT.worker + 13, 4, '─call▶', 'django');
	c.put(AT.worker + 13, 5, '◀body─', 'django');
	// The response goes back to the client from the worker, not through the listening socket.
	const back = on('response');
	const [h, up, right] = back ? '═▲╝' : '─▲┘';
	c.put(AT.worker + 6, 7, back ? '╦' : '┬', 'response');
	c.put(AT.client + 3, 7, up, 'response');
	const label = ` response${back ? ' ▲ now' : ''} `;
	const run = AT.worker + 6 - AT.client - 4;
	const left = Math.floor((run - label.length) / 2);
	c.put(
		AT.client + 3,
		8,
		(back ? '╚' : '└') + h.repeat(left) + label + h.repeat(run - left - label.length) + right,
		'response',
	);
	return c.rows;
}

/** One canvas row as runs of the same owner and ink: lit bold yellow, hinted cyan, other rules dim. */
function paint(row: Cell[], lit: FlowNode | undefined, hinted: FlowNode | undefined) {
	const runs: Array<{text: string; owner?: FlowNode; ink: Ink}> = [];
	for (const cell of row) {
		const last = runs.at(-1);
		if (last && last.owner === cell.owner && last.ink === cell.ink) last.text += cell.ch;
		else runs.push({text: cell.ch, owner: cell.owner, ink: cell.ink});
	}
	return (
		<Text wrap="truncate-end">
			{runs.map((run, i) => {
				const isLit = run.owner !== undefined && run.owner === lit;
				const isHint = run.owner !== undefined && run.owner === hinted;
				return (
					<Text
						key={i}
						bold={isLit}
						color={isLit ? 'yellow' : isHint ? 'cyan' : undefined}
						dimColor={!isLit && !isHint && run.ink === 'line'}
					>
						{run.text}
					</Text>
				);
			})}
		</Text>
	);
}

interface Props {
	width: number;
	height: number;
	view: View;
	lesson: Lesson;
	scroll: number;
	hinted?: FlowNode; // the node a quiz hint points at
	/** Wide terminals: what goes under the flow with the height left (the table). */
	below?: (height: number) => React.ReactNode;
}

const BESIDE = 120; // from this width the facts stand beside the diagram, whole

export function flowLines({width, height, view, lesson, hinted}: Omit<Props, 'scroll' | 'below'>): Line[] {
	const facts: Array<[string, string]> = [
		['Master', describeMaster(view.state)],
		['Workers', describeWorkers(view.state)],
		['Django', describeApp(view.state)],
		['Request', describeRequest(view.state.last)],
	];
	const fact = ([name, value]: [string, string]) => (
		<>
			<Text bold>{name.padEnd(8)}</Text>
			{value}
		</>
	);
	const beside = width >= BESIDE;
	const lines: Line[] = diagram(view.state, view.lit, hinted).map((row, y) =>
		beside && facts[y - 3] ? (
			<Text wrap="truncate-end">
				{paint(row, view.lit, hinted)}
				{'   '}
				{fact(facts[y - 3])}
			</Text>
		) : (
			paint(row, view.lit, hinted)
		),
	);
	lines.push('');
	const step = lesson.steps[view.step - 1];
	if (view.liveNote)
		for (const text of wrap(view.liveNote, width - 1))
			lines.push(
				<Text color="magenta" wrap="truncate-end">
					{text}
				</Text>,
			);
	for (const para of step.narration) lines.push(...wrap(view.narrate(para), width - 1));
	// Narrow, the facts come last, and only while the whole narration stays on screen above them
	// (a window that scrolls gives one row to its position).
	if (!beside && (lines.length + 1 + facts.length <= height || lines.length <= height - 1)) {
		lines.push('', ...facts.map(f => <Text wrap="truncate-end">{fact(f)}</Text>));
	}
	return lines;
}

/** Wide: the flow whole (it does not scroll), and the table under it when there are rows enough for it. */
export const flowWhole = (props: Pick<Props, 'height' | 'below'>, lines: Line[]) =>
	Boolean(props.below) && props.height - lines.length >= 8;

export function FlowPanel(props: Props) {
	const lines = flowLines(props);
	const room = props.height - lines.length;
	if (props.below && flowWhole(props, lines)) {
		return (
			<Box flexDirection="column" width={props.width} height={props.height}>
				<Lines lines={lines} height={lines.length} offset={0} width={props.width} />
				{props.below(room)}
			</Box>
		);
	}
	return <Lines lines={lines} height={props.height} offset={props.scroll} width={props.width} />;
}
