// What each panel of the registry (../panels.ts) draws: a Record over its ids, so a panel
// added there does not compile until it says here what it shows. How far a panel scrolls comes
// from the same lines it draws (scrollExtent), so the update loop stops scrolling at the end.
import type React from 'react';
import type {HintTarget, Lesson} from '../../lesson/types';
import type {Room} from '../contracts';
import type {QuizState} from '../model';
import {drawn} from '../parts/Drawn';
import {Lines, windowOf, type Line} from '../parts/Lines';
import type {PanelId} from '../panels';
import {WIDE} from '../terminal';
import type {View} from '../view';
import {flowLines, flowWhole, FlowPanel} from './Flow';
import {labsLines} from './lab-lines';
import {LivePanel, type LiveInfo} from './Live';
import {labOrder, type LabsUi} from '../labs-ui';
import {QuizPanel, quizLines} from './Quiz';
import {RoomPanel, roomLines} from './Room';
import {TablePanel} from './Table';
import {momentLines, sampleLines, snapshotLines, transcriptLines} from './Text';
import {VariablesPanel, variablesLines} from './Variables';

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

/** A panel's lines, when it shows them in a window that scrolls (the focus: a line kept on screen). */
type Window = {lines: Line[]; focus?: number} | undefined;

const flowProps = (p: PanelProps) => ({
	width: p.width,
	height: p.height,
	view: p.view,
	lesson: p.lesson,
	scroll: p.scroll,
	hinted: p.hint?.panel === 'flow' ? p.hint.node : undefined,
	below: p.width >= WIDE ? (h: number) => table(p, h, true) : undefined,
});

const variablesProps = (p: PanelProps) => ({
	columns: p.view.tracker.columns,
	rows: p.view.tracker.rows,
	width: p.width,
	height: p.height,
	scroll: p.scroll,
	hinted: p.hint?.panel === 'variables' ? p.hint.variable : undefined,
	caption: p.attached
		? 'Columns: the inspected event (Now) and the events before it.'
		: 'Columns: the start, the checkpoints reached, and Now.',
});

const roomOf = (p: PanelProps, room: NonNullable<PanelProps['room']>) =>
	[
		p.lesson,
		room.summary(),
		room.attendees(),
		room.incidents?.(),
		{
			poll: room.poll?.(),
			hands: room.hands?.(),
			served: room.served?.(),
			next: p.next,
			lab: p.attached ? (p.labs.open ?? labOrder(p.chapter)[p.labs.cursor]?.id) : undefined,
			now: Date.now(),
		},
	] as const;

/** The panels that scroll: the lines each lays out (the same functions their components call). */
const WINDOWS: Partial<Record<PanelId, (p: PanelProps) => Window>> = {
	flow: p => {
		const props = flowProps(p);
		const lines = flowLines(props);
		return flowWhole(props, lines) ? undefined : {lines};
	},
	sample: p => sampleLines(p.lesson, p.view.step, p.width),
	variables: p => ({lines: variablesLines(variablesProps(p))}),
	moments: p => ({lines: momentLines(p.lesson, p.view.step, p.width, p.view.narrate)}),
	quiz: p => ({lines: quizLines(p.lesson, p.quiz, p.width)}),
	snapshot: p => ({lines: snapshotLines(p.lesson, p.width, p.view.narrate)}),
	transcript: p => ({lines: transcriptLines(p.lesson, p.width, p.view.narrate)}),
	labs: p => ({lines: labsLines(p.labs, p.chapter, p.attached, p.width)}),
	room: p => (p.room ? {lines: roomLines(...roomOf(p, p.room))} : undefined),
};

/** How far the panel can scroll at this size: 0 when all of it fits or it does not scroll. */
export function scrollExtent(panel: PanelId, p: PanelProps): number {
	const window = WINDOWS[panel]?.(p);
	return window ? windowOf(window.lines.length, p.height, window.focus).max : 0;
}

const text = (p: PanelProps, window: Window) =>
	window ? (
		<Lines lines={window.lines} height={p.height} offset={p.scroll} width={p.width} focus={window.focus} />
	) : null;

function table(p: PanelProps, height: number, compact?: boolean) {
	const hint = p.hint?.panel === 'table' && !p.attached ? {row: p.hint.step, column: p.hint.column} : undefined;
	const total = p.attached ? undefined : p.lesson.steps.length;
	const key = `table ${hint?.row}:${hint?.column} ${total} ${Boolean(compact)}`;
	return drawn({of: [p.view, p.lesson], key, width: p.width, height}, () => (
		<TablePanel
			rows={p.view.rows}
			current={p.view.current}
			hint={hint}
			total={total}
			width={p.width}
			height={height}
			compact={compact}
		/>
	));
}

export const RENDER: Record<PanelId, (p: PanelProps) => React.ReactNode> = {
	// Wide: the flow across the width, and the table under it in the room left.
	flow: p => {
		const props = flowProps(p);
		const key = `flow ${p.scroll} ${JSON.stringify(p.hint ?? null)} ${p.attached}`; // the table below too
		return drawn({of: [p.view, p.lesson], key, width: p.width, height: p.height}, () => <FlowPanel {...props} />);
	},
	sample: p => text(p, WINDOWS.sample!(p)),
	table: p => table(p, p.height),
	variables: p => {
		const props = variablesProps(p);
		const key = `variables ${props.scroll} ${props.hinted} ${p.attached}`;
		return drawn({of: [p.view, p.lesson], key, width: p.width, height: p.height}, () => (
			<VariablesPanel {...props} />
		));
	},
	moments: p => text(p, WINDOWS.moments!(p)),
	quiz: p => {
		const key = `quiz ${p.scroll} ${JSON.stringify(p.quiz)}`;
		return drawn({of: [p.lesson, p.lesson], key, width: p.width, height: p.height}, () => (
			<QuizPanel lesson={p.lesson} quiz={p.quiz} width={p.width} height={p.height} scroll={p.scroll} />
		));
	},
	snapshot: p => text(p, WINDOWS.snapshot!(p)),
	transcript: p => text(p, WINDOWS.transcript!(p)),
	live: p => <LivePanel width={p.width} height={p.height} info={p.live} />,
	labs: p => text(p, WINDOWS.labs!(p)),
	room: p => {
		if (!p.room) return null;
		const [lesson, summary, attendees, incidents, extra] = roomOf(p, p.room);
		return (
			<RoomPanel
				lesson={lesson}
				summary={summary}
				attendees={attendees}
				incidents={incidents}
				extra={extra}
				width={p.width}
				height={p.height}
				scroll={p.scroll}
			/>
		);
	},
};
