// Panel 1: the boxes a request passes through, the current one lit (double border, bold and
// a marker, so it never depends on colour), then what is happening in words.
import React from 'react';
import {Box, Text} from 'ink';
import {describeApp, describeMaster, describeRequest, describeWorkers, workerLoad} from '../../lifecycle/describe';
import {liveWorkers, type LifecycleState} from '../../lifecycle/machine';
import type {FlowNode} from '../../lifecycle/selectors';
import {wrap} from '../../lesson/plain';
import type {Lesson} from '../../lesson/types';
import {Lines, type Line} from '../parts/Lines';
import type {View} from '../view';

const LABELS: Record<FlowNode, string> = {client: 'Client', master: 'Master', worker: 'Worker', wsgi: 'WSGI app', django: 'Django', response: 'Response'};

/** One short fact under each box. */
function under(node: FlowNode, s: LifecycleState): string {
	const live = liveWorkers(s);
	const r = s.last;
	switch (node) {
		case 'client':
			return r ? `${r.method} ${r.path}` : '';
		case 'master':
			return s.master.state === 'down' ? '' : s.master.state === 'stopped' ? 'stopped' : `pid ${s.master.pid}`;
		case 'worker': {
			const busy = live.find(w => w.state === 'busy');
			return busy ? `${busy.pid} ${workerLoad(busy)}` : live.length ? `${live.length}× ${live[0].state === 'booting' ? 'boot' : 'idle'}` : '';
		}
		case 'wsgi':
			return s.master.appLoaded ? 'in master' : live.some(w => w.appLoaded) ? `in ${live.filter(w => w.appLoaded).length} wkrs` : '';
		case 'django':
			return r?.view ? r.view.split('.').pop()! + '()' : '';
		case 'response':
			return r?.status ? `${r.status} ${r.bytes ?? ''}B` : '';
	}
}

interface Props {
	width: number;
	height: number;
	view: View;
	lesson: Lesson;
	scroll: number;
	hinted?: FlowNode; // the node a quiz hint points at
}

export function flowLines({width, view, lesson, hinted}: Omit<Props, 'height' | 'scroll'>): Line[] {
	const nodes = lesson.flow.map(f => f.node);
	const gap = 2;
	const box = Math.max(8, Math.min(14, Math.floor((width - gap * (nodes.length - 1)) / nodes.length)));
	const inner = box - 2;
	const center = (text: string) => {
		const t = text.slice(0, inner);
		const left = Math.floor((inner - t.length) / 2);
		return ' '.repeat(left) + t + ' '.repeat(inner - t.length - left);
	};
	const row = (part: (node: FlowNode, lit: boolean) => string, joint: (i: number) => string) => (
		<Text wrap="truncate-end">
			{nodes.map((node, i) => {
				const lit = node === view.lit;
				return (
					<Text key={node}>
						{i > 0 && <Text dimColor>{joint(i)}</Text>}
						<Text bold={lit} color={lit ? 'yellow' : node === hinted ? 'cyan' : undefined} dimColor={!lit && node !== hinted}>
							{part(node, lit)}
						</Text>
					</Text>
				);
			})}
		</Text>
	);
	const top = (lit: boolean) => (lit ? '╔' + '═'.repeat(inner) + '╗' : '┌' + '─'.repeat(inner) + '┐');
	const bottom = (lit: boolean) => (lit ? '╚' + '═'.repeat(inner) + '╝' : '└' + '─'.repeat(inner) + '┘');
	const lines: Line[] = [
		row((_, lit) => top(lit), () => ' '.repeat(gap)),
		row((node, lit) => (lit ? '║' : '│') + center(LABELS[node]) + (lit ? '║' : '│'), () => '─▶'.slice(0, gap)),
		row((_, lit) => bottom(lit), () => ' '.repeat(gap)),
		row(node => ' ' + center(under(node, view.state)) + ' ', () => ' '.repeat(gap)),
		row((node, lit) => ' ' + center(lit && node === hinted ? '▲ now ?' : lit ? '▲ now' : node === hinted ? '? hint' : '') + ' ', () => ' '.repeat(gap)),
	];
	const step = lesson.steps[view.step - 1];
	if (view.liveNote) for (const text of wrap(view.liveNote, width - 1)) lines.push(<Text color="magenta" wrap="truncate-end">{text}</Text>);
	for (const para of step.narration) lines.push(...wrap(view.narrate(para), width - 1));
	lines.push('');
	const facts: Array<[string, string]> = [
		['Master', describeMaster(view.state)],
		['Workers', describeWorkers(view.state)],
		['Django', describeApp(view.state)],
		['Request', describeRequest(view.state.last)],
	];
	for (const [name, value] of facts) {
		lines.push(
			<Text wrap="truncate-end">
				<Text bold>{name.padEnd(8)}</Text>
				{value}
			</Text>,
		);
	}
	return lines;
}

export function FlowPanel(props: Props) {
	return <Lines lines={flowLines(props)} height={props.height} offset={props.scroll} width={props.width} />;
}

export function SideBySide({left, right, width, height}: {left: React.ReactNode; right: React.ReactNode; width: number; height: number}) {
	return (
		<Box width={width} height={height}>
			{left}
			<Box width={2} />
			{right}
		</Box>
	);
}
