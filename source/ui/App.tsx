// The walkthrough: routes keys to the model, feeds live events to the machine, and lays
// out the current panel. Everything it shows is derived in view.ts and the panels.
import type React from 'react';
import {useCallback, useEffect, useMemo, useRef, useState} from 'react';
import {Box, Text, useApp, useInput} from 'ink';
import type {LifecycleState} from '../lifecycle/machine';
import type {AppProps, Progress} from './contracts';
import {
	footerKeys,
	initialUi,
	interpretKey,
	PANEL_TITLES,
	ROOM_PANEL,
	update,
	type Action,
	type Context,
	type UiState,
} from './model';
import {Footer} from './parts/Footer';
import {Header} from './parts/Header';
import {HelpOverlay, TooSmall} from './parts/Help';
import {Lines, ScrollLimit} from './parts/Lines';
import {FlowPanel} from './panels/Flow';
import {LivePanel} from './panels/Live';
import {QuizPanel} from './panels/Quiz';
import {PollPanel} from './panels/Poll';
import {RoomPanel} from './panels/Room';
import {HAND_KEY, roomCommand} from './room-keys';
import {useSeat} from './use-seat';
import {TablePanel} from './panels/Table';
import {momentLines, sampleLines, snapshotLines, transcriptLines} from './panels/Text';
import {VariablesPanel} from './panels/Variables';
import {MIN_SIZE, useTerminalSize, WIDE} from './terminal';
import {latestRequest, ownLesson} from './own-project';
import {useLive} from './use-live';
import {lessonFor, lessonView, liveView} from './view';

const AUTOPLAY_MS = 2500;
const RATE_WINDOW_MS = 5000;

/** Requests answered per second over the last few seconds, from the history's arrival times. */
function requestRate(state: LifecycleState, now: number): number {
	let sent = 0;
	for (let i = state.history.length - 1; i >= 0; i--) {
		const {event, at} = state.history[i];
		if (at === undefined || at < now - RATE_WINDOW_MS) break;
		if (event.type === 'response.sent') sent++;
	}
	return sent / (RATE_WINDOW_MS / 1000);
}
const CHROME = 4; // header (2), title (1), footer (1)

export function App({initial, onProgress, notice, live: source, leader, room, seat, confirmQuit}: AppProps) {
	const {exit} = useApp();
	const size = useTerminalSize();
	const [ui, setUi] = useState<UiState>(() => {
		// Saved progress is shared with the instructor's walkthrough: its Room panel exists only there.
		const panel = initial?.panel && initial.panel <= (room ? ROOM_PANEL : 9) ? initial.panel : 1;
		return initialUi({
			...initial,
			panel,
			notice,
			quiz: {index: 0, cursor: 0, answers: initial?.answers ?? {}, hints: {}},
		});
	});
	const live = useLive(source);
	// Live, the narration follows what the server really does: --preload or not.
	const variant = live ? (live.state.master.preload ? 'preload' : 'default') : ui.variant;
	const base = lessonFor(variant).lesson;
	// Their own project: the lesson names their app and their latest view, never the demo's.
	const newest = live && source?.project ? latestRequest(live.state) : undefined;
	const lesson = useMemo(
		() => (source?.project ? ownLesson(base, source.project, newest?.view, newest?.path) : base),
		[base, source?.project, newest?.view, newest?.path],
	);
	const [, setRoomTick] = useState(0);
	// The workshop: a pushed poll (or its reveal) opens the poll overlay.
	const {poll, hand} = useSeat(seat, () => dispatch({type: 'poll'}));

	// biome-ignore lint/correctness/useExhaustiveDependencies: the view reads live.state only
	const view = useMemo(
		() => (live ? liveView(live.state, ui.cursor, lesson.liveNotes) : lessonView(variant, ui.step)),
		[live?.state, ui.cursor, variant, ui.step, lesson],
	);
	const history = live?.state.history;
	const scrollMax = useRef(Infinity); // reported by the panel's window of lines (ScrollLimit)
	const ctx: Context = {
		scrollMax: () => scrollMax.current,
		quiz: lesson.quiz,
		panels: room ? ROOM_PANEL : 9,
		live: Boolean(live),
		leader: Boolean(leader),
		timeline: history?.length
			? {first: history[0].seq, last: history[history.length - 1].seq}
			: live
				? {first: 0, last: 0}
				: undefined,
		...(source?.project ? {askPath: source.path ?? '/'} : {}),
		room: room ? 'instructor' : seat ? 'attendee' : undefined,
		poll: poll ? {options: poll.question.options.length, revealed: poll.revealed} : undefined,
		hand: hand !== undefined,
	};
	const dispatch = (action: Action) => setUi(s => update(s, action, ctx));
	const reportScroll = useCallback((max: number) => void (scrollMax.current = max), []);
	const latest = useRef(ui);
	latest.current = ui;

	// Autoplay: one timer, only while playing.
	// biome-ignore lint/correctness/useExhaustiveDependencies: ui.step restarts the timer; dispatch is stable
	useEffect(() => {
		if (!ui.playing) return;
		const timer = setTimeout(() => dispatch({type: 'tick'}), AUTOPLAY_MS);
		return () => clearTimeout(timer);
	}, [ui.playing, ui.step]);

	// Workshop: follow the instructor; redraw the room when it changes.
	// biome-ignore lint/correctness/useExhaustiveDependencies: ui.following: follow again when switched back on
	useEffect(() => {
		if (!leader) return;
		const follow = () => {
			const at = leader.current();
			dispatch({type: 'lead', step: at.step, panel: at.panel});
		};
		follow();
		return leader.subscribe(follow);
	}, [leader, ui.following]);
	useEffect(() => room?.subscribe(() => setRoomTick(t => t + 1)), [room]);
	// The Live panel's ages and rate move with the clock: tick only while it is on screen.
	const [now, setNow] = useState(Date.now);
	// biome-ignore lint/correctness/useExhaustiveDependencies: only whether a server is attached matters
	useEffect(() => {
		if (!live || ui.panel !== 9) return;
		const timer = setInterval(() => setNow(Date.now()), 1000);
		return () => clearInterval(timer);
	}, [Boolean(live), ui.panel]);

	// biome-ignore lint/correctness/useExhaustiveDependencies: report progress, not a new callback
	useEffect(() => {
		const progress: Progress = {step: ui.step, panel: ui.panel, answers: ui.quiz.answers, following: ui.following};
		onProgress?.(progress);
	}, [ui.step, ui.panel, ui.quiz.answers, ui.following]);

	const body = size.rows - 1 - CHROME;
	useInput((text, key) => {
		const input = typeof text === 'string' ? text : ''; // a key without a name, on some Ink versions
		// Keys typed quickly, pasted or batched by SSH arrive as one string ("nn"): each is a press.
		const presses =
			input.length > 1 && !key.ctrl && !key.meta && !/[\x00-\x1f\x7f]/.test(input) ? [...input] : [input];
		let current = latest.current; // keys can arrive faster than redraws: act on the newest state
		for (const press of presses) {
			const intent = interpretKey(press, key, current, ctx, Math.max(1, body - 2));
			if (intent.kind === 'quit') {
				const question = current.confirm ? undefined : confirmQuit?.();
				if (!question) return exit();
				dispatch({type: 'confirm', question});
				current = update(current, {type: 'confirm', question}, ctx);
			} else if (intent.kind === 'live') {
				if (current.asking !== undefined) {
					dispatch({type: 'ask'});
					current = update(current, {type: 'ask'}, ctx);
				}
				live?.run(intent.command, intent.path);
			} else if (intent.kind === 'room') {
				roomCommand(intent, {room, seat, question: lesson.quiz[current.quiz.index]});
			} else if (intent.kind === 'action') {
				dispatch(intent.action);
				current = update(current, intent.action, ctx);
			}
		}
		latest.current = current;
	});

	if (size.columns < MIN_SIZE.columns || size.rows < MIN_SIZE.rows) {
		return <TooSmall columns={size.columns} rows={size.rows} need={MIN_SIZE} />;
	}

	const width = size.columns;
	const wide = width >= WIDE;
	const scroll = ui.scroll[ui.panel] ?? 0;
	const q = lesson.quiz[ui.quiz.index];
	const hint = ui.quiz.hints[q.id] ? q.target : undefined;
	const step = lesson.steps[view.step - 1];

	let panel: React.ReactNode;
	if (ui.overlay === 'help') {
		const extra: Array<[string, string]> = [];
		if (leader) extra.push(['f', 'follow the instructor (any navigation key stops)']);
		if (room)
			extra.push(['0', 'the room: attendees and quiz results'], ['Room: o e c', 'poll, reveal, clear a hand']);
		if (seat) extra.push([HAND_KEY, 'raise or lower your hand'], ['o', 'the poll, when there is one']);
		panel = <HelpOverlay width={width} height={body} extra={extra} />;
	} else if (ui.overlay === 'poll' && poll) {
		panel = <PollPanel poll={poll} width={width} height={body} />;
	} else {
		const tableProps = {
			rows: view.rows,
			current: view.current,
			hint: hint?.panel === 'table' && !live ? {row: hint.step, column: hint.column} : undefined,
			total: live ? undefined : lesson.steps.length,
		};
		const flow = (w: number) => (
			<FlowPanel
				width={w}
				height={body}
				view={view}
				lesson={lesson}
				scroll={scroll}
				hinted={hint?.panel === 'flow' ? hint.node : undefined}
			/>
		);
		const text = (lines: React.ReactNode[], focus?: number) => (
			<Lines lines={lines} height={body} offset={scroll} width={width} focus={focus} />
		);
		switch (ui.panel) {
			case 1:
				// Wide: the flow across the width, and the table under it in the room left.
				panel = wide ? (
					<FlowPanel
						width={width}
						height={body}
						view={view}
						lesson={lesson}
						scroll={scroll}
						hinted={hint?.panel === 'flow' ? hint.node : undefined}
						below={h => <TablePanel {...tableProps} width={width} height={h} compact />}
					/>
				) : (
					flow(width)
				);
				break;
			case 2: {
				const sample = sampleLines(lesson, view.step, width);
				panel = text(sample.lines, sample.focus);
				break;
			}
			case 3:
				panel = <TablePanel {...tableProps} width={width} height={body} />;
				break;
			case 4:
				panel = (
					<VariablesPanel
						columns={view.tracker.columns}
						rows={view.tracker.rows}
						width={width}
						height={body}
						scroll={scroll}
						hinted={hint?.panel === 'variables' ? hint.variable : undefined}
						caption={
							live
								? 'Columns: the inspected event (Now) and the events before it.'
								: 'Columns: the start, the checkpoints reached, and Now.'
						}
					/>
				);
				break;
			case 5:
				panel = text(momentLines(lesson, view.step, width));
				break;
			case 6:
				panel = <QuizPanel lesson={lesson} quiz={ui.quiz} width={width} height={body} scroll={scroll} />;
				break;
			case 7:
				panel = text(snapshotLines(lesson, width));
				break;
			case 8:
				panel = text(transcriptLines(lesson, width));
				break;
			case 9:
				panel = (
					<LivePanel
						width={width}
						height={body}
						info={
							live && source
								? {
										kind: source.kind,
										address: source.address,
										state: live.state,
										logs: live.logs,
										status: live.status,
										running: live.running,
										now,
										rps: requestRate(live.state, now),
										rules: source.rules,
										restart: source.restart,
									}
								: undefined
						}
					/>
				);
				break;
			default:
				panel = room ? (
					<RoomPanel
						lesson={lesson}
						summary={room.summary()}
						attendees={room.attendees()}
						incidents={room.incidents?.()}
						extra={{
							poll: room.poll?.(),
							hands: room.hands?.(),
							served: room.served?.(),
							next: lesson.quiz[ui.quiz.index].question,
							now: Date.now(),
						}}
						width={width}
						height={body}
						scroll={scroll}
					/>
				) : null;
		}
	}

	const tag = [
		room ? `room: ${room.attendees().length} connected` : undefined,
		source ? `LIVE ${source.kind}` : undefined,
		variant === 'preload' ? '--preload' : undefined,
		ui.following ? 'following the instructor' : undefined,
		hand !== undefined ? '✋ hand up' : undefined,
		ui.playing ? '▶ autoplay' : undefined,
	]
		.filter(Boolean)
		.join('  ');
	const asking = ui.asking === undefined ? undefined : `Path for r (Enter sends, Esc cancels): ${ui.asking}_`;
	const title = ui.confirm ?? asking ?? ui.notice ?? `${view.step}. ${view.narrate(step.title)}`;
	return (
		<Box flexDirection="column" width={width} height={size.rows - 1} overflow="hidden">
			<Header
				width={width}
				position={view.position}
				panel={ui.panel}
				panels={ctx.panels}
				tag={tag || undefined}
			/>
			<Box width={width} height={1} overflow="hidden">
				<Text bold color={ui.confirm ? 'red' : ui.notice ? 'magenta' : undefined} wrap="truncate-end">
					{`${PANEL_TITLES[ui.panel - 1]} · ${title}`}
				</Text>
			</Box>
			<Box width={width} height={body} overflow="hidden">
				<ScrollLimit.Provider value={reportScroll}>{panel}</ScrollLimit.Provider>
			</Box>
			<Footer width={width} keys={footerKeys(ui, ctx)} />
		</Box>
	);
}
