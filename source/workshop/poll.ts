// One poll: a question with options and an answer (a quiz question now, a lab's prediction later),
// the attendees' answers, and whether the instructor has revealed it. Until then nobody's screen
// gets the answer. Whoever leaves before the reveal is counted as gone, their answer dropped.
import type {PollQuestion, PollView} from '../ui/contracts';

export class Poll {
	readonly answers = new Map<string, number>();
	/** Names of attendees who left before the reveal, by id. */
	readonly gone = new Set<string>();
	revealed = false;
	readonly pushed = Date.now();

	constructor(
		readonly question: PollQuestion,
		/** 1-based, in the order the instructor pushed them. */
		readonly number: number,
	) {}

	/** An attendee's answer; false when it is not one (revealed already, or no such option). */
	answer(id: string, option: number): boolean {
		if (this.revealed || !Number.isInteger(option) || option < 0 || option >= this.question.options.length)
			return false;
		this.answers.set(id, option);
		return true;
	}

	leave(id: string): void {
		if (this.revealed) return;
		this.answers.delete(id);
		this.gone.add(id);
	}

	counts(): number[] {
		const counts = this.question.options.map(() => 0);
		for (const option of this.answers.values()) counts[option]++;
		return counts;
	}

	/** As one screen sees it: `id`'s own answer marked, the answer only once revealed. */
	view(id?: string): PollView {
		const {answer, ...question} = this.question;
		return {
			question,
			counts: this.counts(),
			gone: this.gone.size,
			revealed: this.revealed,
			...(this.revealed ? {answer} : {}),
			...(id !== undefined && this.answers.has(id) ? {mine: this.answers.get(id)} : {}),
		};
	}
}
