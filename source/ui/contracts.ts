// What the App takes from whoever hosts it: the local terminal (run.tsx), or one SSH
// session of a workshop. Plain data and subscriptions, so hosts need no React.
import type {LabState} from '../labs/machine';
import type {LabId, LabStep} from '../labs/types';
import type {LiveSource} from '../live/source';
import type {SavedLab} from './labs-ui';
import type {PanelId} from './panels';

/** Where a learner left one chapter. */
export interface ChapterProgress {
	step: number;
	panel: PanelId;
	answers: Record<string, number>;
	seen?: number[]; // the steps seen (absent in files from before chapters)
}

/** Where a learner is: saved to disk locally, reported to the room in a workshop. */
export interface Progress {
	/** The chapter on screen (absent: the first); step, panel and answers are its own. */
	chapter?: string;
	/** Every chapter's progress, this one's included (absent: only this chapter is known). */
	chapters?: Record<string, ChapterProgress>;
	seen?: number[];
	step: number; // 1-based lesson step
	panel: PanelId; // see source/ui/panels.ts
	answers: Record<string, number>; // quiz question id -> chosen option index
	following: boolean; // workshop: tracking the instructor
	/** Each lab tried: its prediction and outcome (absent in older files). */
	labs?: Partial<Record<LabId, SavedLab>>;
}

/** The instructor's position, for attendees who follow it. */
export interface Leader {
	current(): {chapter?: string; step: number; panel: string};
	subscribe(listener: () => void): () => void;
}

export interface Attendee {
	id: string;
	name: string;
	progress: Progress;
}

/** A question the instructor pushes to the room: a quiz question, or (later) a lab's prediction. */
export interface PollQuestion {
	id: string;
	question: string;
	options: string[];
	answer: number;
}

/** A poll as one screen sees it: the answer only once revealed. */
export interface PollView {
	question: Omit<PollQuestion, 'answer'>;
	/** Answers per option so far (the live histogram). */
	counts: number[];
	/** Attendees who left before the reveal, their answer (if any) not counted. */
	gone: number;
	revealed: boolean;
	answer?: number; // set once revealed (a lab's: the option that really happened)
	mine?: number; // this attendee's answer
	/** A lab led for the room: its prediction is this poll. */
	lab?: PollLab;
}

/** A lab's poll: revealed when the lab has happened on the shared server, with each screen's own reveal. */
export interface PollLab {
	id: LabId;
	unit?: string; // a number prediction (the poll has no options)
	draft?: string; // the number this attendee is typing
	acting: boolean; // the instructor has begun the lab's steps
	controls?: boolean; // --room-controls: attendees may do its steps too (on their Labs panel)
	by?: string[]; // the instructor's view: attendees who did a step of it
	state?: LabState; // this attendee's reveal: the lab machine's, judged against their prediction
	happened?: string; // once revealed
	/** The instructor's view: who predicted (not what) until the reveal, then how each came out. */
	tally?: {predicted: string[]; waiting: string[]; right: string[]; wrong: string[]; none: string[]};
}

/** An attendee's link to the room: the poll on their screen, their hand. */
export interface Seat {
	poll(): PollView | undefined;
	/** An option, or a number for a lab's number prediction; undefined answers with the number typed. */
	answer(option?: number): void;
	/** A lab's number prediction, as typed so far. */
	type?(text: string): void;
	/** --room-controls: a step of the lab led for the room runs on the instructor's side (false: not that lab). */
	act?(lab: LabId, step: LabStep): boolean;
	/** When their hand went up (ms), or undefined. */
	hand(): number | undefined;
	toggleHand(): void;
	subscribe(listener: () => void): () => void;
}

/** The instructor's view of the room. */
export interface Room {
	/** One line: address, host key fingerprint, attendees connected. */
	summary(): string;
	attendees(): Attendee[];
	/** Sessions closed by an error, newest last, for the instructor. */
	incidents?(): string[];
	subscribe(listener: () => void): () => void;
	/** Polls: push a question to every attendee, reveal its answer; the poll as the room sees it. */
	push?(question: PollQuestion): void;
	reveal?(): void;
	poll?(): PollView | undefined;
	/** Leads a lab for the room: its prediction becomes the poll (the host restarts the server with its flags). */
	leadLab?(lab: LabId): void;
	/** The instructor's lab machines, as they move: the led lab's reveal comes from there. */
	labs?(states: Partial<Record<LabId, LabState>>): void;
	/** An attendee's step of the led lab (--room-controls): the instructor's lab machine does it. */
	onLabAct?(listener: (lab: LabId, step: LabStep) => void): () => void;
	/** Raised hands, oldest first, and clearing the oldest one. */
	hands?(): Array<{name: string; since: number}>;
	clearHand?(): void;
	/** Per worker pid, whose requests it served (name -> count), from the shared server's request events. */
	served?(): Map<number, Map<string, number>>;
}

export interface AppProps {
	initial?: Partial<Progress>;
	/** Called after every change of step, panel, answers or following. */
	onProgress?: (progress: Progress) => void;
	/** One line shown at start (for example "Resumed at step 4"), gone at the first key. */
	notice?: string;
	live?: LiveSource;
	leader?: Leader; // set for workshop attendees: enables `f`
	room?: Room; // set for the workshop instructor: enables the Room panel (key 0)
	seat?: Seat; // set for workshop attendees: polls and the raised hand
	/** Asked when q is pressed: a question to confirm first ("3 attendees connected. Quit? y/n"), or undefined. */
	confirmQuit?: () => string | undefined;
	/** --lab NAME: the Labs panel open on this lab. */
	lab?: LabId;
	/** The server could not start: said in the lab, where reset tries again. */
	labStatus?: string;
}
