/** CAT/IRT, the FSRS wrapper, scoring and budgets: pure functions, no I/O. Filled by the learning-engine work. */
export {};
