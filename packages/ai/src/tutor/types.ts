/** What the tutor works from: the course, the learner's notes, the conversation and the retrieved chunks. */
import type { Language } from "@sira/contracts";
import type { LlmMessage } from "../llm/client.ts";
import type { RetrievedChunk } from "../types.ts";

export interface TutorCourse {
  courseTitle: string;
  topic: string;
  language: Language;
  country: string;
  level: number;
  moduleTitle: string | null;
  unitTitle: string | null;
}

export interface TutorMemoryView {
  level: number | null;
  goals: string[];
  misconceptions: string[];
  strengths: string[];
  preferences: string[];
}

export interface TutorTurn {
  role: "user" | "assistant";
  content: string;
}

/** The presented, unanswered item of the learner's open quiz attempt. Its key must never be revealed. */
export interface OpenQuizItem {
  stem: string;
  options: string[];
  correctIndex: number;
  explanation: string;
}

export interface TutorRequest {
  course: TutorCourse;
  question: string;
  memory: TutorMemoryView | null;
  /** Rolling summary of the turns older than `history` (null when none were folded). */
  summary: string | null;
  /** Recent turns, oldest first, not including `question`. */
  history: TutorTurn[];
  /** Retrieved chunks that passed the relevance floor, best first (may be empty). */
  chunks: RetrievedChunk[];
  /** Open quiz items the question is about (see `itemsAskedAbout`). */
  guardedItems: OpenQuizItem[];
}

export interface TutorPrompt {
  system: string;
  messages: LlmMessage[];
  tokens: number;
  droppedTurns: number;
}
