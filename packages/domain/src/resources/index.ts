/** Course documents: storage, content checks, extraction, images, indexing. */
export {};
