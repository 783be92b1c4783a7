// The walkthrough: routes keys and the server's events to the update loop, and lays out the
// current panel. Everything it shows is derived in view.ts and the panels.
import type React from 'react';
import {useEffect, useMemo, useRef, useState} from 'react';
import {Box, Text, useApp, useInput} from 'ink';
import type {LifecycleState} from '../lifecycle/machine';
import type {AppProps} from './contracts';
import {footerKeys, type Context, type UiState} from './model';
import {Footer} from './parts/Footer';
import {Header} from './parts/Header';
import {HelpOverlay, TooSmall} from './parts/Help';
import {panelById, visiblePanels} from './panels';
import {PollPanel} from './panels/Poll';
import {RENDER, scrollExtent, type PanelProps} from './panels/render';
import {roomCommand} from './room-keys';
import {useSeat} from './use-seat';
import {MIN_SIZE, useTerminalSize} from './terminal';
import {latestRequest, ownLesson} from './own-project';
import {CHAPTERS} from '../lesson/chapters';
import {AUTOPLAY_MS} from './loop';
import {useLoop} from './use-loop';
import {chapterOf, chapterSteps, progressOf, startUi} from './course';
import {ChapterList} from './parts/Chapters';
import type {LiveModel} from './live-model';
import {liveStart, runCommand, useLiveFeed} from './use-live';
import {openLab, runLabEffect, useLabFeed} from './use-labs';
import {lessonOf, lessonView, liveView} from './view';

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

export function App({
	initial,
	onProgress,
	notice,
	live: source,
	leader,
	room,
	seat,
	confirmQuit,
	lab,
	labStatus,
}: AppProps) {
	const {exit} = useApp();
	const size = useTerminalSize();
	// Saved progress is shared with the instructor's walkthrough: its Room panel exists only there.
	const [ui, setUi] = useState<UiState>(() =>
		openLab(
			{
				...startUi(initial, visiblePanels({room: Boolean(room), live: Boolean(source)}), notice),
				live: source && liveStart(source),
			},
			lab,
			source?.kind,
			labStatus,
		),
	);
	const live = ui.live;
	// Live, the narration follows what the server really does: --preload or not.
	const variant = live ? (live.state.master.preload ? 'preload' : 'default') : ui.variant;
	const chapter = chapterOf(ui.chapter);
	const base = lessonOf(variant, chapter);
	// Their own project: the lesson names their app and their latest view, never the demo's.
	const newest = live && source?.project ? latestRequest(live.state) : undefined;
	const lesson = useMemo(
		() =>
			source?.project
				? ownLesson(base, source.project, {
						view: newest?.view,
						path: newest?.path,
						method: newest?.method,
						status: newest?.status,
					})
				: base,
		[base, source?.project, newest?.view, newest?.path, newest?.method, newest?.status],
	);
	const [roomTick, setRoomTick] = useState(0);
	// The workshop: a pushed poll (or its reveal) opens the poll overlay.
	const {poll, hand} = useSeat(seat, () => send({type: 'poll'}));

	// biome-ignore lint/correctness/useExhaustiveDependencies: the view reads live.state only
	const view = useMemo(
		() => (live ? liveView(live.state, ui.cursor, lesson) : lessonView(variant, ui.step, chapter)),
		[live?.state, ui.cursor, variant, ui.step, lesson, chapter],
	);
	const history = live?.state.history;
	const body = size.rows - 1 - CHROME;
	const width = size.columns;
	const extent = useRef<{on: unknown[]; max: number}>(undefined);
	// What a panel is given to lay itself out, for the state s (the loop's, maybe ahead of this frame).
	const panelProps = (s: UiState): PanelProps => {
		const q = lesson.quiz[s.quiz.index];
		const same = s.live?.state === live?.state && s.cursor === ui.cursor && s.step === ui.step;
		return {
			width,
			height: body,
			view: same
				? view
				: s.live
					? liveView(s.live.state, s.cursor, lesson)
					: lessonView(variant, s.step, chapter),
			lesson,
			scroll: s.scroll[s.panel] ?? 0,
			hint: s.quiz.hints[q.id] ? q.target : undefined,
			quiz: s.quiz,
			live: s.live && source && liveInfo(s.live, source),
			attached: Boolean(live),
			room,
			next: q.question,
			labs: s.labs,
			chapter: s.chapter,
		};
	};
	const liveInfo = (l: LiveModel, on: NonNullable<typeof source>) => ({
		kind: on.kind,
		address: on.address,
		state: l.state,
		logs: l.logs,
		status: l.status,
		running: l.running,
		switching: l.switching,
		now,
		rps: requestRate(l.state, now),
		rules: on.rules,
		restart: on.restart,
	});
	const ctx: Context = {
		steps: lesson.steps.length,
		chapters: chapterSteps(),
		scrollMax: s => {
			// Laid out once per change of what the panel shows (a paste of j's is thousands of presses).
			const on = [
				s.panel,
				s.step,
				s.cursor,
				s.live?.state,
				s.quiz,
				s.labs,
				s.chapter,
				lesson,
				variant,
				roomTick,
				width,
				body,
			];
			const last = extent.current;
			if (last?.on.length !== on.length || last.on.some((x, i) => x !== on[i]))
				extent.current = {on, max: scrollExtent(s.panel, panelProps(s))};
			return extent.current!.max;
		},
		quiz: lesson.quiz,
		panels: visiblePanels({room: Boolean(room), live: Boolean(live)}),
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
		...(source ? {server: source.kind} : {}),
	};

	// The one update loop (loop.ts, use-loop.ts): the effects of its messages run here.
	const {send, run, current} = useLoop(ui, setUi, ctx, effect => {
		switch (effect.type) {
			case 'live':
				return source && runCommand(source, effect.command, effect.path, send);
			case 'room':
				return roomCommand(effect, {room, seat, question: lesson.quiz[effect.question]});
			case 'save':
				return onProgress?.(progressOf(current.current));
			case 'quit':
				return exit();
			case 'lab':
				// An attendee's step of the lab led for the room runs on the instructor's side, where it is judged.
				if (effect.effect.type === 'run' && seat?.act?.(effect.id, effect.effect.step)) return;
				if (source) runLabEffect(source, effect, send, labResult, () => live?.state.served ?? 0);
				return;
		}
	});
	// biome-ignore lint/correctness/useExhaustiveDependencies: once: where the walkthrough starts
	useEffect(() => {
		onProgress?.(progressOf(current.current));
		if (current.current.playing) run({type: 'timer', ms: AUTOPLAY_MS});
	}, []);

	const flush = useLiveFeed(source, send);
	const labResult = useLabFeed(live && {...live, flush}, source, send);

	// Workshop: follow the instructor; redraw the room when it changes.
	// biome-ignore lint/correctness/useExhaustiveDependencies: ui.following: follow again when switched back on
	useEffect(() => {
		if (!leader) return;
		const follow = () => send({type: 'lead', ...leader.current()});
		follow();
		return leader.subscribe(follow);
	}, [leader, ui.following]);
	useEffect(() => room?.subscribe(() => setRoomTick(t => t + 1)), [room]);
	// A lab led for the room is revealed when the instructor's machine for it has observed it.
	useEffect(() => room?.labs?.(ui.labs.states), [room, ui.labs.states]);
	// biome-ignore lint/correctness/useExhaustiveDependencies: send only dispatches
	useEffect(
		() => room?.onLabAct?.((id, step) => send({type: 'lab', id, msg: {type: 'act', step, at: Date.now()}})),
		[room],
	);
	// The Live panel's ages and rate move with the clock: tick only while it is on screen.
	const [now, setNow] = useState(Date.now);
	// biome-ignore lint/correctness/useExhaustiveDependencies: only whether a server is attached matters
	useEffect(() => {
		if (!live || ui.panel !== 'live') return;
		const clock = setInterval(() => setNow(Date.now()), 1000);
		return () => clearInterval(clock);
	}, [Boolean(live), ui.panel]);

	useInput((text, key) => {
		const input = typeof text === 'string' ? text : ''; // a key without a name, on some Ink versions
		send({type: 'key', input, key, page: Math.max(1, body - 2), question: confirmQuit?.()});
	});

	if (size.columns < MIN_SIZE.columns || size.rows < MIN_SIZE.rows) {
		return <TooSmall columns={size.columns} rows={size.rows} need={MIN_SIZE} />;
	}

	const step = lesson.steps[view.step - 1];

	let panel: React.ReactNode;
	if (ui.overlay === 'help') {
		panel = <HelpOverlay width={width} height={body} leader={ctx.leader} panels={ctx.panels} room={ctx.room} />;
	} else if (ui.overlay === 'poll' && poll) {
		panel = <PollPanel poll={poll} width={width} height={body} />;
	} else if (ui.overlay === 'chapters') {
		panel = <ChapterList ui={ui} width={width} height={body} />;
	} else panel = RENDER[ui.panel](panelProps(ui));

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
				chapter={`Chapter ${CHAPTERS.indexOf(chapter) + 1}: ${chapter.title}`}
				tag={tag || undefined}
			/>
			<Box width={width} height={1} overflow="hidden">
				<Text bold color={ui.confirm ? 'red' : ui.notice ? 'magenta' : undefined} wrap="truncate-end">
					{`${panelById(ui.panel)!.title} · ${title}`}
				</Text>
			</Box>
			<Box width={width} height={body} overflow="hidden">
				{panel}
			</Box>
			<Footer width={width} keys={footerKeys(ui, ctx)} />
		</Box>
	);
}
