// The walkthrough for screen readers (--screen-reader, INK_SCREEN_READER=true): the same keys and
// the same model as App.tsx, but nothing is drawn or redrawn. Each change is appended as lines of
// text (Ink's <Static>, written once), so a screen reader reads exactly what is new.
import {useEffect, useMemo, useRef, useState} from 'react';
import {Static, Text, useApp, useInput} from 'ink';
import type {AppProps} from '../contracts';
import type {Context, UiState} from '../model';
import {visiblePanels} from '../panels';
import {useLoop} from '../use-loop';
import {chapterOf, chapterSteps, progressOf, startUi} from '../course';
import {liveStart, runCommand, useLiveFeed} from '../use-live';
import {openLab, runLabEffect, useLabFeed} from '../use-labs';
import {lessonOf, lessonView, liveView} from '../view';
import {announce, type Moment} from './announce';

export function ScreenReaderApp({initial, onProgress, notice, live: source, lab, labStatus}: AppProps) {
	const {exit} = useApp();
	const [ui, setUi] = useState<UiState>(() =>
		openLab(
			{
				...startUi(initial, visiblePanels({room: false, live: Boolean(source)}), notice),
				live: source && liveStart(source),
			},
			lab,
			source?.kind,
			labStatus,
		),
	);
	const live = ui.live; // the server's events reach it through the loop (useLiveFeed, below)
	const variant = live ? (live.state.master.preload ? 'preload' : 'default') : ui.variant;
	const chapter = chapterOf(ui.chapter);
	const lesson = lessonOf(variant, chapter);
	// biome-ignore lint/correctness/useExhaustiveDependencies: the view reads live.state only
	const view = useMemo(
		() => (live ? liveView(live.state, ui.cursor, lesson) : lessonView(variant, ui.step, chapter)),
		[live?.state, ui.cursor, variant, ui.step, lesson, chapter],
	);
	const history = live?.state.history;
	const ctx: Context = {
		steps: lesson.steps.length,
		chapters: chapterSteps(),
		scrollMax: () => 0, // nothing scrolls: every panel is said whole
		quiz: lesson.quiz,
		panels: visiblePanels({room: false, live: Boolean(live)}),
		live: Boolean(live),
		leader: false,
		timeline: history?.length
			? {first: history[0].seq, last: history[history.length - 1].seq}
			: live
				? {first: 0, last: 0}
				: undefined,
		...(source ? {server: source.kind} : {}),
	};
	// The same update loop as the App (../loop.ts, ../use-loop.ts): its effects run here.
	const {send, current} = useLoop(ui, setUi, ctx, effect => {
		switch (effect.type) {
			case 'live':
				return source && runCommand(source, effect.command, effect.path, send);
			case 'save':
				return onProgress?.(progressOf(current.current));
			case 'quit':
				return exit();
			case 'lab': // the App's lab effects, and their results fed back the same way
				if (source) runLabEffect(source, effect, send, labResult, () => live?.state.served ?? 0);
				return;
		}
	});
	const flush = useLiveFeed(source, send);
	const labResult = useLabFeed(live && {...live, flush}, source, send);
	// biome-ignore lint/correctness/useExhaustiveDependencies: once: where the walkthrough starts
	useEffect(() => {
		onProgress?.(progressOf(current.current));
	}, []);

	// What has been said: each change adds lines, none is ever rewritten.
	const [said, setSaid] = useState<Array<{id: number; text: string}>>([]);
	const before = useRef<Moment | undefined>(undefined);
	// biome-ignore lint/correctness/useExhaustiveDependencies: live.state and lesson reach it through view
	useEffect(() => {
		const now: Moment = {
			ui,
			view,
			lesson,
			live: live && {state: live.state, status: live.status, running: live.running},
		};
		const lines = announce(before.current, now);
		before.current = now;
		if (lines.length > 0) setSaid(s => [...s, ...lines.map((text, i) => ({id: s.length + i, text}))]);
	}, [ui, view, live?.status, live?.running]);

	useInput((input, key) => send({type: 'key', input, key, page: 10}));

	return <Static items={said}>{line => <Text key={line.id}>{line.text}</Text>}</Static>;
}
