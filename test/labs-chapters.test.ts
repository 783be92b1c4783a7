// Labs belong to chapters in the lesson format: each built-in chapter's data lists its labs, every
// lab is in the chapter it says, and --plain prints the sheets (never the answers) after the chapter.
import {describe, expect, test} from 'vitest';
import {LABS} from '../source/labs/labs';
import {CHAPTERS} from '../source/lesson/chapters';
import {plainLesson} from '../source/lesson/plain';
import {labOrder} from '../source/ui/labs-ui';

describe('labs in chapters', () => {
	test("each lab is listed by exactly the chapter it names, and the Labs panel puts that chapter's first", () => {
		for (const lab of LABS) {
			const listing = CHAPTERS.filter(c => c.lesson('default').labs?.includes(lab.id)).map(c => c.id);
			expect(listing, lab.id).toEqual([lab.chapter]);
		}
		for (const chapter of CHAPTERS) {
			const own = chapter.lesson('default').labs!;
			expect(
				labOrder(chapter.id)
					.map(l => l.id)
					.slice(0, own.length),
			).toEqual(own);
			expect(labOrder(chapter.id)).toHaveLength(LABS.length);
		}
	});

	test('--plain prints each chapter its labs sheets, without the answers', () => {
		const text = plainLesson(false);
		for (const lab of LABS) {
			expect(text).toContain(`${lab.id}: ${lab.title}`);
			expect(text).not.toContain(lab.why.slice(0, 60));
			expect(text).not.toContain(lab.hints[2]);
		}
		const parts = text.split(/Chapter \d of \d: /).slice(1);
		CHAPTERS.forEach((chapter, i) => {
			for (const id of chapter.lesson('default').labs!) expect(parts[i]).toContain(`\n${id}: `);
		});
	});
});
