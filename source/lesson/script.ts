// Chapter 1's scripted names and steps, for the code that quotes them (explain's step titles).
import {buildLesson} from './lesson';
import type {Step, Variant} from './types';

export {ADDRESS, MASTER, WORKERS} from './chapters/request';

export const lessonSteps = (variant: Variant): Step[] => buildLesson(variant).steps;
