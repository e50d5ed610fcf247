/** CAT/IRT and the FSRS wrapper: pure functions, no I/O. */
export * from "./calibration.ts";
export * from "./cat.ts";
export * from "./fsrs.ts";
export * from "./fsrs-optimizer.ts";
