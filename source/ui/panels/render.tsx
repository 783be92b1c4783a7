// What each panel of the registry (../panels.ts) draws: a Record over its ids, so a panel
// added there does not compile until it says here what it shows.
import type React from 'react';
import type {HintTarget, Lesson} from '../../lesson/types';
import type {Room} from '../contracts';
import type {QuizState} from '../model';
import {Lines} from '../parts/Lines';
import type {PanelId} from '../panels';
import {WIDE} from '../terminal';
import type {View} from '../view';
import {FlowPanel} from './Flow';
import {labsLines} from './lab-lines';
import {LivePanel, type LiveInfo} from './Live';
import {labOrder, type LabsUi} from '../labs-ui';
import {QuizPanel} from './Quiz';
import {RoomPanel} from './Room';
import {TablePanel} from './Table';
import {momentLines, sampleLines, snapshotLines, transcriptLines} from './Text';
import {VariablesPanel} from './Variables';

export interface PanelProps {
	width: number;
	height: number;
	view: View;
	lesson: Lesson;
	scroll: number;
	hint?: HintTarget;
	quiz: QuizState;
	/** Attached to a server: what the Live panel shows (undefined: how to attach one). */
	live?: LiveInfo;
	attached: boolean;
	room?: Room;
	/** The quiz question the instructor's o would push to the room. */
	next?: string;
	labs: LabsUi;
	chapter: string;
}

const text = (p: PanelProps, lines: React.ReactNode[], focus?: number) => (
	<Lines lines={lines} height={p.height} offset={p.scroll} width={p.width} focus={focus} />
);

function table(p: PanelProps, height: number, compact?: boolean) {
	const hint = p.hint?.panel === 'table' && !p.attached ? {row: p.hint.step, column: p.hint.column} : undefined;
	const total = p.attached ? undefined : p.lesson.steps.length;
	return (
		<TablePanel
			rows={p.view.rows}
			current={p.view.current}
			hint={hint}
			total={total}
			width={p.width}
			height={height}
			compact={compact}
		/>
	);
}

export const RENDER: Record<PanelId, (p: PanelProps) => React.ReactNode> = {
	// Wide: the flow across the width, and the table under it in the room left.
	flow: p => (
		<FlowPanel
			width={p.width}
			height={p.height}
			view={p.view}
			lesson={p.lesson}
			scroll={p.scroll}
			hinted={p.hint?.panel === 'flow' ? p.hint.node : undefined}
			below={p.width >= WIDE ? h => table(p, h, true) : undefined}
		/>
	),
	sample: p => {
		const sample = sampleLines(p.lesson, p.view.step, p.width);
		return text(p, sample.lines, sample.focus);
	},
	table: p => table(p, p.height),
	variables: p => (
		<VariablesPanel
			columns={p.view.tracker.columns}
			rows={p.view.tracker.rows}
			width={p.width}
			height={p.height}
			scroll={p.scroll}
			hinted={p.hint?.panel === 'variables' ? p.hint.variable : undefined}
			caption={
				p.attached
					? 'Columns: the inspected event (Now) and the events before it.'
					: 'Columns: the start, the checkpoints reached, and Now.'
			}
		/>
	),
	moments: p => text(p, momentLines(p.lesson, p.view.step, p.width, p.view.narrate)),
	quiz: p => <QuizPanel lesson={p.lesson} quiz={p.quiz} width={p.width} height={p.height} scroll={p.scroll} />,
	snapshot: p => text(p, snapshotLines(p.lesson, p.width, p.view.narrate)),
	transcript: p => text(p, transcriptLines(p.lesson, p.width, p.view.narrate)),
	live: p => <LivePanel width={p.width} height={p.height} info={p.live} />,
	labs: p => text(p, labsLines(p.labs, p.chapter, p.attached, p.width)),
	room: p =>
		p.room ? (
			<RoomPanel
				lesson={p.lesson}
				summary={p.room.summary()}
				attendees={p.room.attendees()}
				incidents={p.room.incidents?.()}
				extra={{
					poll: p.room.poll?.(),
					hands: p.room.hands?.(),
					served: p.room.served?.(),
					next: p.next,
					lab: p.attached ? (p.labs.open ?? labOrder(p.chapter)[p.labs.cursor]?.id) : undefined,
					now: Date.now(),
				}}
				width={p.width}
				height={p.height}
				scroll={p.scroll}
			/>
		) : null,
};
