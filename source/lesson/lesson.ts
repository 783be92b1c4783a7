// Chapter 1, one request's life: its data (chapters/request.ts) rendered for a variant.
import {REQUEST} from './chapters/request';
import {buildChapter} from './format';
import type {Lesson, Variant} from './types';

export const buildLesson = (variant: Variant = 'default'): Lesson => buildChapter(REQUEST, variant);
